import BidForgeCore
import Fluent
import Vapor

struct AccountsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let auth = routes.grouped("auth")
        auth.post("register", use: register)
        auth.post("login", use: login)
        auth.post("refresh", use: refresh)
        auth.authed(.POST, "logout", use: logout)
        routes.authed(.GET, "me", use: me)
    }

    func register(_ req: Request) async throws -> Response {
        let input = try req.decodeJSON(RegisterInput.self)
        try await req.enforceSignUpLimit()
        let (user, company) = try await AccountActions.register(input, in: req.useCases).value
        let tokens = try await TokenService(request: req).issue(for: user)
        return try Response.json(
            .created,
            AuthDTO(
                user: UserDTO(user), company: CompanyDTO(company, includePlan: true),
                accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn))
    }

    func login(_ req: Request) async throws -> JSONResponse<AuthDTO> {
        let input = try req.decodeJSON(LoginInput.self)
        try await req.enforceSignInLimit(email: input.email)
        let user = try await AccountActions.authenticate(input, in: req.useCases).value
        let company = try await CompanyModel.find(user.companyId, on: req.db)
        let tokens = try await TokenService(request: req).issue(for: user)
        return JSONResponse(
            AuthDTO(
                user: try UserDTO(user), company: try company.map { try CompanyDTO($0, includePlan: true) },
                accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn))
    }

    func refresh(_ req: Request) async throws -> JSONResponse<TokenService.Pair> {
        let input = try req.decodeJSON(RefreshInput.self)
        guard !input.refreshToken.isEmpty, input.refreshToken.count < 512 else { throw APIError.unauthenticated }
        let (pair, _) = try await TokenService(request: req).rotate(input.refreshToken)
        return JSONResponse(pair)
    }

    func logout(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        let input = try req.decodeJSON(RefreshInput.self)
        if let stored = try await RefreshTokenModel.query(on: req.db)
            .filter(\.$tokenHash == SecureToken.hash(input.refreshToken)).first(),
            stored.userId == caller.userId
        {
            try await TokenService(request: req).revokeFamily(stored.familyId)
        }
        return .noContent
    }

    func me(_ req: Request, _ caller: Caller) async throws -> JSONResponse<MeDTO> {
        guard let user = try await UserModel.find(caller.userId, on: req.db),
            let company = try await CompanyModel.find(user.companyId, on: req.db)
        else {
            throw APIError.unauthenticated
        }
        return JSONResponse(MeDTO(user: try UserDTO(user), company: try CompanyDTO(company, includePlan: true)))
    }
}

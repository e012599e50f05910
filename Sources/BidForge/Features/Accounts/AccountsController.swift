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
        let (user, company) = try await Self.createAccount(input, req: req)
        let tokens = try await TokenService(request: req).issue(for: user)
        return try Response.json(
            .created,
            AuthDTO(
                user: UserDTO(user), company: CompanyDTO(company, includePlan: true),
                accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn))
    }

    /// Sign-up for the API and the web pages alike: rate limited per address, validated, one transaction.
    static func createAccount(_ input: RegisterInput, req: Request) async throws -> (UserModel, CompanyModel) {
        try await req.enforceRateLimit(
            ["register:ip:\(req.clientAddress)"],
            rule: .perHour(req.application.settings.registrationsPerHour))
        try input.validate()
        let email = EmailAddress.normalized(input.email)
        let now = req.now
        let passwordHash = try await req.password.async.hash(input.password)

        let (user, company) = try await req.write { db -> (UserModel, CompanyModel) in
            if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
                throw APIError.conflict("EMAIL_TAKEN", "An account with this email already exists.")
            }
            let company: CompanyModel
            let role: UserRole
            let companyRole: CompanyRole
            if let token = input.inviteToken {
                let invitation = try await Self.redeem(token, email: email, now: now, on: db)
                if let asked = input.role, asked != invitation.role {
                    throw APIError.validation("role", "must match the invitation's role (\(invitation.role.rawValue))")
                }
                guard let found = try await CompanyModel.find(invitation.companyId, on: db) else {
                    throw APIError.validation("inviteToken", "is not valid")
                }
                company = found
                role = invitation.role
                companyRole = .member
            } else {
                let info = input.company!
                company = CompanyModel(
                    name: info.name.trimmingWhitespace(), trades: info.trades ?? [],
                    states: info.serviceArea?.states ?? [], now: now)
                try await company.create(on: db)
                role = input.role!
                companyRole = .admin
            }
            let user = UserModel(
                companyId: (try company.requireID()), email: email, passwordHash: passwordHash,
                name: input.name.trimmingWhitespace(), role: role, companyRole: companyRole, now: now)
            do {
                try await user.create(on: db)
            } catch  where DatabaseErrors.isUniqueViolation(error) {
                throw APIError.conflict("EMAIL_TAKEN", "An account with this email already exists.")
            }
            return (user, company)
        }
        return (user, company)
    }

    static func redeem(_ token: String, email: String, now: Date, on db: any Database) async throws
        -> MemberInvitationModel
    {
        guard
            let invitation = try await MemberInvitationModel.query(on: db)
                .filter(\.$tokenHash == SecureToken.hash(token)).first(),
            invitation.acceptedAt == nil, invitation.expiresAt > now
        else {
            throw APIError.validation("inviteToken", "is not valid or has expired")
        }
        guard invitation.email == email else {
            throw APIError.validation("email", "must be the address the invitation was sent to")
        }
        invitation.acceptedAt = now
        try await invitation.update(on: db)
        return invitation
    }

    func login(_ req: Request) async throws -> JSONResponse<AuthDTO> {
        let input = try req.decodeJSON(LoginInput.self)
        let user = try await Self.authenticate(input, req: req)
        let company = try await CompanyModel.find(user.companyId, on: req.db)
        let tokens = try await TokenService(request: req).issue(for: user)
        return JSONResponse(
            AuthDTO(
                user: try UserDTO(user), company: try company.map { try CompanyDTO($0, includePlan: true) },
                accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn))
    }

    /// The user whose email and password these are, for the API and the web pages alike; rate limited per address and
    /// per email, and as slow for an unknown email as for a wrong password.
    static func authenticate(_ input: LoginInput, req: Request) async throws -> UserModel {
        let email = EmailAddress.normalized(input.email)
        try await req.enforceRateLimit(
            ["login:ip:\(req.clientAddress)", "login:email:\(email)"],
            rule: .perMinute(req.application.settings.loginAttemptsPerMinute))
        let user = try await UserModel.query(on: req.db).filter(\.$email == email).first()
        // Unknown emails are checked against a decoy hash so both failures cost the same time.
        let candidate = input.password.utf8.count <= Passwords.maxBytes ? input.password : ""
        let hash = user?.passwordHash ?? req.application.decoyPasswordHash
        let matches = try await req.password.async.verify(candidate, created: hash)
        guard let user, matches, !candidate.isEmpty else {
            throw APIError(.unauthorized, "UNAUTHENTICATED", "Email or password is incorrect.")
        }
        return user
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

import BidForgeCore
import Fluent
import Vapor

struct CompaniesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let companies = routes.grouped("companies")
        companies.authed(.GET, ":companyID", use: show)
        companies.authed(.PATCH, ":companyID", use: update)
        companies.authed(.POST, ":companyID", "invitations", use: inviteMember)
        companies.authed(.PUT, ":companyID", "plan", use: setPlan)
    }

    func show(_ req: Request, _ caller: Caller) async throws -> Response {
        guard let id = req.parameters.get("companyID", as: UUID.self) else { throw APIError.notFound("Company") }
        let own = id == caller.companyId
        let context = req.useCases
        let build: @Sendable () async throws -> [UInt8] = {
            let company = try await CompanyActions.profile(id, in: context)
            return Array(try JSONCoding.encoder.encode(CompanyDTO(company, includePlan: own)))
        }
        let bytes = try await req.application.cached(
            "companies", key: id.uuidString + (own ? "+plan" : ""),
            scopes: [CacheScope.company(id)], build: build)
        return try await CachedJSONBytes(bytes: bytes).encodeResponse(for: req)
    }

    func update(_ req: Request, _ caller: Caller) async throws -> JSONResponse<CompanyDTO> {
        let patch = try req.decodeJSON(CompanyPatch.self)
        let company = try await CompanyActions.update(req.companyID, with: patch, by: caller, in: req.useCases).value
        return JSONResponse(try CompanyDTO(company, includePlan: true))
    }

    struct MemberInvitationInput: Decodable {
        var email: String
        var role: UserRole
    }

    struct MemberInvitationDTO: Encodable, Sendable {
        let inviteToken: String
        let email: String
        let role: UserRole
        let expiresAt: Date
    }

    func inviteMember(_ req: Request, _ caller: Caller) async throws -> Response {
        try await Idempotency.run(req, caller, secretFields: ["inviteToken"]) {
            let input = try req.decodeJSON(MemberInvitationInput.self)
            let invited = try await CompanyActions.inviteMember(
                email: input.email, role: input.role, to: req.companyID, by: caller, in: req.useCases
            ).value
            return try Response.json(
                .created,
                MemberInvitationDTO(
                    inviteToken: invited.token, email: invited.email, role: invited.role, expiresAt: invited.expiresAt))
        }
    }

    struct PlanInput: Decodable {
        var plan: Plan
    }

    func setPlan(_ req: Request, _ caller: Caller) async throws -> JSONResponse<CompanyDTO> {
        let input = try req.decodeJSON(PlanInput.self)
        let company = try await CompanyActions.setPlan(input.plan, of: req.companyID, by: caller, in: req.useCases)
            .value
        return JSONResponse(try CompanyDTO(company, includePlan: true))
    }
}

extension Request {
    /// The `companyID` route parameter (nil when missing or not a UUID: the use case answers 404).
    var companyID: UUID? { parameters.get("companyID", as: UUID.self) }
}

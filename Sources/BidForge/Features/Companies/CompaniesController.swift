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
        let db = req.db
        let build: @Sendable () async throws -> [UInt8] = {
            guard let company = try await CompanyModel.find(id, on: db) else { throw APIError.notFound("Company") }
            return Array(try JSONCoding.encoder.encode(CompanyDTO(company, includePlan: own)))
        }
        let bytes = try await req.application.cached(
            "companies", key: id.uuidString + (own ? "+plan" : ""),
            scopes: [CacheScope.company(id)], build: build)
        return try await CachedJSONBytes(bytes: bytes).encodeResponse(for: req)
    }

    func update(_ req: Request, _ caller: Caller) async throws -> JSONResponse<CompanyDTO> {
        let company = try await Self.find(req)
        try await Self.requireCompanyAdmin(caller, of: (try company.requireID()), on: req.db)
        try await Self.update(company, with: try req.decodeJSON(CompanyPatch.self), req: req)
        return JSONResponse(try CompanyDTO(company, includePlan: true))
    }

    /// Applies `patch` to `company` (whose admin the caller was checked to be).
    static func update(_ company: CompanyModel, with patch: CompanyPatch, req: Request) async throws {
        var errors = ValidationErrors()
        if let name = patch.name { errors.text("name", name, required: true, max: 200) }
        if let trades = patch.trades { Trades.validate("trades", trades, into: &errors) }
        if let states = patch.serviceArea?.states { USStates.validate("serviceArea.states", states, into: &errors) }
        try errors.throwIfAny()
        if let name = patch.name { company.name = name.trimmingWhitespace() }
        if let trades = patch.trades { company.trades = trades }
        if let states = patch.serviceArea?.states { company.serviceStates = states }
        company.updatedAt = req.now
        try await req.write { db in try await company.save(on: db) }
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
        let company = try await Self.find(req)
        try await Self.requireCompanyAdmin(caller, of: (try company.requireID()), on: req.db)
        return try await Idempotency.run(req, caller, secretFields: ["inviteToken"]) {
            let input = try req.decodeJSON(MemberInvitationInput.self)
            var errors = ValidationErrors()
            if !EmailAddress.isValid(input.email) { errors.add("email", "must be an email address") }
            if !UserRole.selfAssignable.contains(input.role) {
                errors.add("role", "must be OWNER, CONTRACTOR or SUBCONTRACTOR")
            }
            try errors.throwIfAny()
            let token = SecureToken.generate()
            let expiresAt = req.now.addingTimeInterval(7 * 24 * 3600)
            let invitation = MemberInvitationModel(
                companyId: (try company.requireID()), email: EmailAddress.normalized(input.email), role: input.role,
                tokenHash: SecureToken.hash(token), invitedBy: caller.userId, expiresAt: expiresAt, now: req.now)
            try await req.write { db in try await invitation.create(on: db) }
            return try Response.json(
                .created,
                MemberInvitationDTO(
                    inviteToken: token, email: EmailAddress.normalized(input.email), role: input.role,
                    expiresAt: expiresAt))
        }
    }

    struct PlanInput: Decodable {
        var plan: Plan
    }

    func setPlan(_ req: Request, _ caller: Caller) async throws -> JSONResponse<CompanyDTO> {
        guard caller.role == .admin else { throw APIError.forbidden("Only the platform operator may change a plan.") }
        let company = try await Self.find(req)
        let input = try req.decodeJSON(PlanInput.self)
        company.plan = input.plan
        company.updatedAt = req.now
        try await req.write { db in try await company.save(on: db) }
        return JSONResponse(try CompanyDTO(company, includePlan: true))
    }

    // MARK: policy

    static func find(_ req: Request) async throws -> CompanyModel {
        guard let id = req.parameters.get("companyID", as: UUID.self),
            let company = try await CompanyModel.find(id, on: req.db)
        else {
            throw APIError.notFound("Company")
        }
        return company
    }

    /// Company profiles are visible to every signed-in user, so editing another company is 403, not 404.
    static func requireCompanyAdmin(_ caller: Caller, of companyId: UUID, on db: any Database) async throws {
        guard caller.companyId == companyId else {
            throw APIError.forbidden("Only an admin of this company may do this.")
        }
        guard let user = try await UserModel.find(caller.userId, on: db), user.companyId == companyId else {
            throw APIError.unauthenticated
        }
        guard user.companyRole == .admin else {
            throw APIError.forbidden("Only an admin of this company may do this.")
        }
    }
}

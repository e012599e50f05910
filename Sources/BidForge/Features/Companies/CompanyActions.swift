import BidForgeCore
import Fluent
import Foundation

/// A company's profile, its plan and the people it invites: changed by its admins (the plan by the platform operator).
enum CompanyActions {
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    /// Applies `patch` to the company `companyId` names (its admins only).
    static func update(_ companyId: UUID?, with patch: CompanyPatch, by caller: Caller, in context: UseCaseContext)
        async throws -> Outcome<CompanyModel>
    {
        let company = try await find(companyId, on: context.db)
        try await requireCompanyAdmin(caller, of: try company.requireID(), on: context.db)
        var errors = ValidationErrors()
        if let name = patch.name { errors.text("name", name, required: true, max: 200) }
        if let trades = patch.trades { Trades.validate("trades", trades, into: &errors) }
        if let states = patch.serviceArea?.states { USStates.validate("serviceArea.states", states, into: &errors) }
        try errors.throwIfAny()
        if let name = patch.name { company.name = name.trimmingWhitespace() }
        if let trades = patch.trades { company.trades = trades }
        if let states = patch.serviceArea?.states { company.serviceStates = states }
        company.updatedAt = context.now
        try await context.write { db in try await company.save(on: db) }
        return Outcome(value: company, events: [])
    }

    /// Sets a company's plan (the platform operator only).
    static func setPlan(_ plan: Plan, of companyId: UUID?, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<CompanyModel>
    {
        guard caller.role == .admin else { throw APIError.forbidden("Only the platform operator may change a plan.") }
        let company = try await find(companyId, on: context.db)
        company.plan = plan
        company.updatedAt = context.now
        try await context.write { db in try await company.save(on: db) }
        return Outcome(value: company, events: [])
    }

    struct MemberInvitation: Sendable {
        /// The one-time secret the invited person signs up with (only its hash is stored).
        let token: String
        let email: String
        let role: UserRole
        let expiresAt: Date
    }

    /// Invites a person by email to join the company (its admins only), with the role they will have.
    static func inviteMember(
        email: String, role: UserRole, to companyId: UUID?, by caller: Caller, in context: UseCaseContext
    )
        async throws -> Outcome<MemberInvitation>
    {
        let company = try await find(companyId, on: context.db)
        try await requireCompanyAdmin(caller, of: try company.requireID(), on: context.db)
        var errors = ValidationErrors()
        if !EmailAddress.isValid(email) { errors.add("email", "must be an email address") }
        if !UserRole.selfAssignable.contains(role) { errors.add("role", "must be OWNER, CONTRACTOR or SUBCONTRACTOR") }
        try errors.throwIfAny()
        let now = context.now
        let token = SecureToken.generate()
        let expiresAt = now.addingTimeInterval(invitationLifetime)
        let invitation = MemberInvitationModel(
            companyId: try company.requireID(), email: EmailAddress.normalized(email), role: role,
            tokenHash: SecureToken.hash(token), invitedBy: caller.userId, expiresAt: expiresAt, now: now)
        try await context.write { db in try await invitation.create(on: db) }
        return Outcome(
            value: MemberInvitation(
                token: token, email: EmailAddress.normalized(email), role: role, expiresAt: expiresAt),
            events: [])
    }

    /// A company's profile tolerates another company's edit showing a moment late, never the caller's own.
    static let profileReads = ReadConsistency.callersWrites

    static func profile(_ id: UUID, in context: UseCaseContext) async throws -> CompanyModel {
        try await context.read(profileReads) { db in try await find(id, on: db) }
    }

    static func find(_ id: UUID?, on db: any Database) async throws -> CompanyModel {
        guard let id, let company = try await CompanyModel.find(id, on: db) else { throw APIError.notFound("Company") }
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

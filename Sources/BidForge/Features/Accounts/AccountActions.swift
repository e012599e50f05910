import BidForgeCore
import Fluent
import Foundation

/// Signing up and signing in, for the API and the pages alike (their per-address limits are the adapters':
/// `enforceSignUpLimit`, `enforceSignInLimit`).
enum AccountActions {
    /// A new account: a new company with its first user (an admin), or a person joining the company that invited
    /// them (`inviteToken`); validated, in one transaction.
    static func register(_ input: RegisterInput, in context: UseCaseContext) async throws
        -> Outcome<(UserModel, CompanyModel)>
    {
        try input.validate()
        let email = EmailAddress.normalized(input.email)
        let now = context.now
        let passwordHash = try await context.host.hashPassword(input.password)

        let (user, company) = try await context.write { db -> (UserModel, CompanyModel) in
            if try await UserModel.query(on: db).filter(\.$email == email).first() != nil {
                throw APIError.conflict("EMAIL_TAKEN", "An account with this email already exists.")
            }
            let company: CompanyModel
            let role: UserRole
            let companyRole: CompanyRole
            if let token = input.inviteToken {
                let invitation = try await redeem(token, email: email, now: now, on: db)
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
        return Outcome(value: (user, company), events: [])
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

    /// The user whose email and password these are; as slow for an unknown email as for a wrong password.
    static func authenticate(_ input: LoginInput, in context: UseCaseContext) async throws -> Outcome<UserModel> {
        let email = EmailAddress.normalized(input.email)
        let user = try await UserModel.query(on: context.db).filter(\.$email == email).first()
        // Unknown emails are checked against a decoy hash so both failures cost the same time.
        let candidate = input.password.utf8.count <= Passwords.maxBytes ? input.password : ""
        let hash = user?.passwordHash ?? context.host.decoyPasswordHash
        let matches = try await context.host.verifyPassword(candidate, hash: hash)
        guard let user, matches, !candidate.isEmpty else {
            throw APIError(.unauthorized, "UNAUTHENTICATED", "Email or password is incorrect.")
        }
        return Outcome(value: user, events: [])
    }
}

import BidForgeCore
import Fluent
import Foundation

/// An opaque refresh token, stored only as its SHA-256. Tokens of one login form a family: presenting a used one
/// again means it was stolen, and the whole family is revoked.
final class RefreshTokenModel: Model, @unchecked Sendable {
    static let schema = "refresh_tokens"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "family_id") var familyId: UUID
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(userId: UUID, companyId: UUID, familyId: UUID, tokenHash: String, expiresAt: Date, now: Date) {
        self.id = UUID()
        self.userId = userId
        self.companyId = companyId
        self.familyId = familyId
        self.tokenHash = tokenHash
        self.expiresAt = expiresAt
        self.createdAt = now
    }
}

/// An invitation for a person to join a company (`POST /companies/{id}/invitations`), redeemed at registration.
final class MemberInvitationModel: Model, @unchecked Sendable {
    static let schema = "member_invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "email") var email: String
    @Enum(key: "role") var role: UserRole
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "invited_by") var invitedBy: UUID
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(companyId: UUID, email: String, role: UserRole, tokenHash: String, invitedBy: UUID, expiresAt: Date, now: Date)
    {
        self.id = UUID()
        self.companyId = companyId
        self.email = email
        self.role = role
        self.tokenHash = tokenHash
        self.invitedBy = invitedBy
        self.expiresAt = expiresAt
        self.createdAt = now
    }
}

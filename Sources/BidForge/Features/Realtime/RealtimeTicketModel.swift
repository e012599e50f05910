import BidForgeCore
import Fluent
import Foundation

/// A one-time, one-minute permission to open the realtime socket as a user. Only the token's hash is stored.
final class RealtimeTicketModel: Model, @unchecked Sendable {
    static let schema = "realtime_tickets"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Enum(key: "role") var role: UserRole
    /// When the access token that asked for the ticket expires: the socket closes (4001) then.
    @Field(key: "session_expires_at") var sessionExpiresAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    /// The sign-in behind the ticket (`SessionKey`): ending it closes the socket.
    @OptionalField(key: "session_key") var sessionKey: String?

    init() {}
}

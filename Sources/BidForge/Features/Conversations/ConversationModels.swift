import Fluent
import Foundation

/// The private thread between a project's owner company and one other company (`company_id`).
final class ConversationModel: Model, @unchecked Sendable {
    static let schema = "conversations"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectId: UUID
    @Field(key: "owner_company_id") var ownerCompanyId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_message_at") var lastMessageAt: Date?
    /// The number of the newest message (0 before the first).
    @Field(key: "last_seq") var lastSeq: Int64

    init() {}

    func includes(_ companyId: UUID) -> Bool { companyId == ownerCompanyId || companyId == self.companyId }
    func otherParty(than companyId: UUID) -> UUID { companyId == ownerCompanyId ? self.companyId : ownerCompanyId }
}

/// One message; `company_id` is the sender's company. The body is stored exactly as sent.
final class MessageModel: Model, @unchecked Sendable {
    static let schema = "messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "conversation_id") var conversationId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "sender_id") var senderId: UUID
    /// 1, 2, 3… within the thread, in the order messages committed.
    @Field(key: "seq") var seq: Int64
    @Field(key: "body") var body: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

import BidForgeCore
import Vapor

struct ConversationDTO: Encodable, Sendable {
    let id: UUID
    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let ownerCompanyName: String
    let companyId: UUID
    let companyName: String
    let createdAt: Date
    @NullEncoded var lastMessageAt: Date?
    /// Messages from the other side this user has not read yet.
    let unreadCount: Int
}

struct MessageDTO: Codable, Sendable, Equatable {
    let id: UUID
    let conversationId: UUID
    let companyId: UUID
    let senderId: UUID
    let senderName: String
    /// Exactly as sent: clients escape it when they render HTML.
    let body: String
    let createdAt: Date

    init(_ m: MessageModel, senderName: String) throws {
        id = try m.requireID()
        conversationId = m.conversationId
        companyId = m.companyId
        senderId = m.senderId
        self.senderName = senderName
        body = m.body
        createdAt = m.createdAt
    }
}

/// Newest first; `nextBefore` is the cursor for the next (older) page, null on the last one.
struct MessagePage: Encodable, Sendable {
    let data: [MessageDTO]
    @NullEncoded var nextBefore: UUID?
}

struct OpenConversationInput: Decodable {
    var projectId: UUID
    var companyId: UUID?
}

struct MessageInput: Decodable {
    var body: String

    static let maxLength = 10_000

    func validate() throws {
        var errors = ValidationErrors()
        errors.text("body", body, required: true, max: Self.maxLength)
        try errors.throwIfAny()
    }
}

import Fluent
import Foundation

/// Opening a private thread between a project's owner and one company, posting in it, reading it.
enum ConversationActions {
    struct Opened: Sendable {
        let id: UUID
        let isNew: Bool
    }

    /// The thread between the caller's company and the other party of the project (a bidder omits `companyId`; the
    /// owner names a company invited to, or bidding on, the project): the existing one, or a new one.
    static func open(on projectId: UUID, with companyId: UUID?, by caller: Caller, in context: UseCaseContext)
        async throws -> Outcome<Opened>
    {
        let db = context.db
        let (project, relation) = try await ProjectAccess.find(projectId, caller: caller, on: db)
        let other = try await ConversationAccess.counterpart(
            of: caller, relation: relation, project: project, requested: companyId, on: db)
        if let existing = try await ConversationAccess.find(project: projectId, company: other, on: db) {
            return Outcome(value: Opened(id: try existing.requireID(), isNew: false), events: [])
        }
        let conversation = ConversationModel()
        conversation.id = UUID()
        conversation.projectId = projectId
        conversation.ownerCompanyId = project.companyId
        conversation.companyId = other
        conversation.createdAt = context.now
        conversation.lastSeq = 0
        do {
            try await context.write { db in try await conversation.create(on: db) }
        } catch  where DatabaseErrors.isUniqueViolation(error) {
            // Both sides opened it at the same moment: theirs won, and it is the same thread.
            guard let existing = try await ConversationAccess.find(project: projectId, company: other, on: db) else {
                throw error
            }
            return Outcome(value: Opened(id: try existing.requireID(), isNew: false), events: [])
        }
        return Outcome(value: Opened(id: try conversation.requireID(), isNew: true), events: [])
    }

    /// A message (1–10,000 characters, stored exactly) in one of the caller's company's threads, numbered under the
    /// thread's row lock; the other company is notified.
    static func post(_ body: String, to conversationId: UUID?, by caller: Caller, in context: UseCaseContext)
        async throws -> Outcome<MessageDTO>
    {
        let conversation = try await ConversationAccess.find(conversationId, caller: caller, on: context.db)
        let id = try conversation.requireID()
        try MessageInput(body: body).validate()
        let now = context.now
        let message = MessageModel()
        message.id = UUID()
        message.conversationId = id
        message.companyId = caller.companyId
        message.senderId = caller.userId
        message.body = body
        message.createdAt = now
        let project = try await ProjectModel.find(conversation.projectId, on: context.db)
        let sender = try await UserModel.find(caller.userId, on: context.db)
        return try await context.write { db in
            // The thread row is the lock that numbers its messages one after another.
            guard let current = try await db.locked(ConversationModel.self, id: id) else {
                throw APIError.notFound("Conversation")
            }
            message.seq = current.lastSeq + 1
            current.lastSeq = message.seq
            current.lastMessageAt = now
            try await current.update(on: db)
            try await message.create(on: db)
            try await ConversationQueries.markRead(id, userId: caller.userId, upTo: message.seq, on: db.sql)
            let dto = try MessageDTO(message, senderName: sender?.name ?? "")
            let event = DomainEvent.messageCreated(
                MessageCreated(
                    message: dto, projectId: conversation.projectId, projectTitle: project?.title,
                    recipientCompanyId: conversation.otherParty(than: caller.companyId),
                    parties: [conversation.ownerCompanyId, conversation.companyId]))
            try await event.record(by: caller.companyId, on: db, now: now)
            return Outcome(value: dto, events: [event])
        }
    }

    /// Marks everything in the thread read for the calling user (up to its newest message).
    static func markRead(_ conversationId: UUID?, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<ConversationModel>
    {
        let conversation = try await ConversationAccess.find(conversationId, caller: caller, on: context.db)
        let id = try conversation.requireID()
        try await context.write { db in
            try await ConversationQueries.markRead(id, userId: caller.userId, upTo: conversation.lastSeq, on: db.sql)
        }
        return Outcome(value: conversation, events: [])
    }
}

import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// Private threads between a project's owner company and one other company. Only members of those two companies
/// can see a thread or its messages (404 for everyone else).
struct ConversationsController: RouteCollection {
    static let defaultMessageLimit = 50

    func boot(routes: any RoutesBuilder) throws {
        let conversations = routes.grouped("conversations")
        conversations.authed(.POST, use: open)
        conversations.authed(.GET, use: list)
        conversations.authed(.GET, ":conversationID", "messages", use: messages)
        conversations.authed(.POST, ":conversationID", "messages", use: post)
        conversations.authed(.POST, ":conversationID", "read", use: read)
    }

    /// 201 with a new thread, or 200 with the pair's existing one.
    func open(_ req: Request, _ caller: Caller) async throws -> Response {
        let (id, created) = try await Self.open(try req.decodeJSON(OpenConversationInput.self), by: caller, req: req)
        return try await Self.respond(created ? .created : .ok, id, caller, req)
    }

    /// The thread between the caller's company and the other party of the project: its id, and whether it is new.
    static func open(_ input: OpenConversationInput, by caller: Caller, req: Request) async throws -> (UUID, Bool) {
        guard let project = try await ProjectModel.find(input.projectId, on: req.db),
            let relation = try await ProjectAccess.relation(of: caller, to: project, on: req.db)
        else {
            throw APIError.notFound("Project")
        }
        let other = try await ConversationAccess.counterpart(
            of: caller, relation: relation, project: project,
            requested: input.companyId, on: req.db)
        if let existing = try await ConversationAccess.find(
            project: (try project.requireID()), company: other, on: req.db)
        {
            return ((try existing.requireID()), false)
        }
        let conversation = ConversationModel()
        conversation.id = UUID()
        conversation.projectId = (try project.requireID())
        conversation.ownerCompanyId = project.companyId
        conversation.companyId = other
        conversation.createdAt = req.now
        conversation.lastSeq = 0
        do {
            try await req.write { db in try await conversation.create(on: db) }
        } catch  where DatabaseErrors.isUniqueViolation(error) {
            // Both sides opened it at the same moment: theirs won, and it is the same thread.
            guard
                let existing = try await ConversationAccess.find(
                    project: (try project.requireID()), company: other, on: req.db)
            else { throw error }
            return ((try existing.requireID()), false)
        }
        return ((try conversation.requireID()), true)
    }

    func list(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<ConversationDTO>> {
        let paging = try req.paging()
        let rows = try await ConversationQueries.list(
            companyId: caller.companyId, userId: caller.userId,
            limit: paging.limit, offset: paging.offset, on: req.db.sql)
        let total = try await ConversationQueries.count(companyId: caller.companyId, on: req.db)
        return JSONResponse(Page(rows, paging, total: total))
    }

    func messages(_ req: Request, _ caller: Caller) async throws -> JSONResponse<MessagePage> {
        let conversation = try await ConversationAccess.load(req, caller: caller)
        let limit = try req.paging(defaultLimit: Self.defaultMessageLimit).limit
        var query = MessageModel.query(on: req.db).filter(\.$conversationId == (try conversation.requireID()))
        if let raw = req.queryParameters["before"] {
            guard let beforeId = UUID(uuidString: raw), let cursor = try await MessageModel.find(beforeId, on: req.db),
                cursor.conversationId == conversation.id
            else {
                throw APIError.validation("before", "must be the id of a message in this conversation")
            }
            query = query.filter(\.$seq < cursor.seq)
        }
        let rows = try await query.sort(\.$seq, .descending).limit(limit + 1).all()
        let page = Array(rows.prefix(limit))
        let names = try await Self.senderNames(page, on: req.db)
        return JSONResponse(
            MessagePage(
                data: try page.map { try MessageDTO($0, senderName: names[$0.senderId] ?? "") },
                nextBefore: rows.count > limit ? page.last?.id : nil))
    }

    func post(_ req: Request, _ caller: Caller) async throws -> Response {
        let conversation = try await ConversationAccess.load(req, caller: caller)
        return try await req.idempotent(caller) {
            let message = try await Self.post(
                try req.decodeJSON(MessageInput.self), to: conversation, by: caller, req: req)
            return try Response.json(.created, message)
        }
    }

    /// A message in `conversation` (already checked to be one of the caller's company's threads), numbered under the
    /// thread's row lock.
    static func post(_ input: MessageInput, to conversation: ConversationModel, by caller: Caller, req: Request)
        async throws -> MessageDTO
    {
        try input.validate()
        let now = req.now
        let message = MessageModel()
        message.id = UUID()
        message.conversationId = (try conversation.requireID())
        message.companyId = caller.companyId
        message.senderId = caller.userId
        message.body = input.body
        message.createdAt = now
        let project = try await ProjectModel.find(conversation.projectId, on: req.db)
        let sender = try await UserModel.find(caller.userId, on: req.db)
        return try await req.write { db in
            // The thread row is the lock that numbers its messages one after another.
            try await db.lockForUpdate("conversations", id: (try conversation.requireID()))
            guard let current = try await ConversationModel.find((try conversation.requireID()), on: db) else {
                throw APIError.notFound("Conversation")
            }
            message.seq = current.lastSeq + 1
            current.lastSeq = message.seq
            current.lastMessageAt = now
            try await current.update(on: db)
            try await message.create(on: db)
            try await ConversationQueries.markRead(
                (try conversation.requireID()), userId: caller.userId, upTo: message.seq, on: db.sql)
            let dto = try MessageDTO(message, senderName: sender?.name ?? "")
            try await DomainEvent.messageCreated(
                MessageCreated(
                    message: dto, projectId: conversation.projectId, projectTitle: project?.title,
                    recipientCompanyId: conversation.otherParty(than: caller.companyId),
                    parties: [conversation.ownerCompanyId, conversation.companyId])
            ).record(by: caller.companyId, on: db, now: now)
            return dto
        }
    }

    /// Marks everything in the thread read for the calling user (up to its newest message).
    func read(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        let conversation = try await ConversationAccess.load(req, caller: caller)
        try await req.write { db in
            try await ConversationQueries.markRead(
                (try conversation.requireID()), userId: caller.userId, upTo: conversation.lastSeq, on: db.sql)
        }
        return .noContent
    }

    static func respond(_ status: HTTPResponseStatus, _ id: UUID, _ caller: Caller, _ req: Request) async throws
        -> Response
    {
        let rows = try await ConversationQueries.list(
            companyId: caller.companyId, userId: caller.userId, only: id,
            limit: 1, offset: 0, on: req.db.sql)
        guard let dto = rows.first else { throw APIError.notFound("Conversation") }
        return try Response.json(status, dto)
    }

    static func senderNames(_ messages: [MessageModel], on db: any Database) async throws -> [UUID: String] {
        let ids = Array(Set(messages.map(\.senderId)))
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: try users.map { ((try $0.requireID()), $0.name) })
    }
}

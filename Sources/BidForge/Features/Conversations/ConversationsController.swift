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
        let input = try req.decodeJSON(OpenConversationInput.self)
        let opened = try await ConversationActions.open(
            on: input.projectId, with: input.companyId, by: caller, in: req.useCases
        ).value
        return try await Self.respond(opened.isNew ? .created : .ok, opened.id, caller, req)
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
        let names = try await ConversationQueries.senderNames(page, on: req.db)
        return JSONResponse(
            MessagePage(
                data: try page.map { try MessageDTO($0, senderName: names[$0.senderId] ?? "") },
                nextBefore: rows.count > limit ? page.last?.id : nil))
    }

    func post(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let input = try req.decodeJSON(MessageInput.self)
            let message = try await ConversationActions.post(
                input.body, to: req.parameters.get("conversationID", as: UUID.self), by: caller, in: req.useCases
            ).value
            return try Response.json(.created, message)
        }
    }

    /// Marks everything in the thread read for the calling user (up to its newest message).
    func read(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        _ = try await ConversationActions.markRead(
            req.parameters.get("conversationID", as: UUID.self), by: caller, in: req.useCases)
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
}

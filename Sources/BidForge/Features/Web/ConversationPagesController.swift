import BidForgeCore
import Fluent
import Vapor

/// Conversations in the browser: the company's threads with unread counts, and one thread as a chat that the page
/// script keeps live (new messages appear without reload; sending is a plain form post).
struct ConversationPagesController: RouteCollection {
    static let shownMessages = 100

    func boot(routes: any RoutesBuilder) throws {
        routes.page(.conversations, use: list)
        routes.formPost(.conversations, form: OpenForm.self, use: open)
        routes.page(.conversation, use: thread)
        routes.formPost(.conversationMessages, form: MessageForm.self, use: post)
    }

    struct Row: Encodable, Sendable {
        let url: String
        let projectTitle: String
        let otherCompany: String
        let unreadCount: Int
        let lastMessageAt: String?
        let lastMessageText: String?
    }

    struct ListPage: Encodable, Sendable {
        let threads: [Row]
    }

    func list(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let rows = try await ConversationQueries.list(
            companyId: user.caller.companyId, userId: user.caller.userId,
            limit: 100, offset: 0, on: req.db.sql)
        let threads = rows.map { dto in
            Row(
                url: SiteURL.conversation(dto.id), projectTitle: dto.projectTitle,
                otherCompany: dto.ownerCompanyId == user.caller.companyId ? dto.companyName : dto.ownerCompanyName,
                unreadCount: dto.unreadCount, lastMessageAt: dto.lastMessageAt.map(JSONCoding.formatDate),
                lastMessageText: dto.lastMessageAt.map(PageFormats.utc))
        }
        return try await Pages.render(req, "conversations", title: "Messages", ListPage(threads: threads))
    }

    /// "Message the owner" / "Message" buttons: opens the pair's thread (or finds the existing one) and goes there.
    struct OpenForm: PageForm {
        var projectId: String?
        var companyId: String?
        var _csrf: String?
    }

    func open(_ req: Request, _ user: WebUser, _ form: OpenForm) async throws -> Response {
        guard let projectId = form.projectId.flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("Project") }
        let opened = try await ConversationActions.open(
            on: projectId, with: form.companyId.flatMap(UUID.init(uuidString:)), by: user.caller, in: req.useCases)
        return Pages.redirect(SiteURL.conversation(opened.value.id))
    }

    struct Message: Encodable, Sendable {
        let senderName: String
        let mine: Bool
        let body: String
        let sentAt: String
        let sentText: String
    }

    struct ThreadPage: Encodable, Sendable {
        let id: String
        let projectTitle: String
        let projectURL: String
        let otherCompany: String
        let messages: [Message]
        let earlierNotShown: Bool
        let postURL: String
        let draft: String
        let error: String?
    }

    func thread(_ req: Request) async throws -> Response {
        try await render(req, draft: "", error: nil, status: .ok)
    }

    struct MessageForm: PageForm {
        var body: String?
        var _csrf: String?
    }

    func post(_ req: Request, _ user: WebUser, _ form: MessageForm) async throws -> Response {
        let conversationId = req.parameters.get("conversationID", as: UUID.self)
        do {
            _ = try await ConversationActions.post(
                form.body ?? "", to: conversationId, by: user.caller, in: req.useCases)
        } catch let errors as ValidationErrors {
            return try await render(
                req, draft: form.body ?? "", error: "The message " + (errors.problems["body"] ?? "is not valid"),
                status: .badRequest)
        }
        return Pages.redirect(
            SiteURL.conversation(try req.parameters.require("conversationID", as: UUID.self)) + "#compose")
    }

    /// The thread's latest messages, oldest first; opening it marks it read for this user.
    func render(_ req: Request, draft: String, error: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let conversation = try await ConversationAccess.load(req, caller: user.caller)
        let newest = try await MessageModel.query(on: req.db).filter(
            \.$conversationId == (try conversation.requireID())
        )
        .sort(\.$seq, .descending).limit(Self.shownMessages + 1).all()
        let shown = Array(newest.prefix(Self.shownMessages).reversed())
        let names = try await ConversationQueries.senderNames(shown, on: req.db)
        let project = try await ProjectModel.find(conversation.projectId, on: req.db)
        let otherId = conversation.otherParty(than: user.caller.companyId)
        let other = try await CompanyModel.find(otherId, on: req.db)
        try await req.write { db in
            try await ConversationQueries.markRead(
                (try conversation.requireID()), userId: user.caller.userId, upTo: conversation.lastSeq, on: db.sql)
        }
        let page = ThreadPage(
            id: (try conversation.requireID()).uuidString.lowercased(), projectTitle: project?.title ?? "",
            projectURL: SiteURL.project(conversation.projectId),
            otherCompany: other?.name ?? "",
            messages: shown.map { m in
                Message(
                    senderName: names[m.senderId] ?? "", mine: m.companyId == user.caller.companyId, body: m.body,
                    sentAt: JSONCoding.formatDate(m.createdAt), sentText: PageFormats.utc(m.createdAt))
            },
            earlierNotShown: newest.count > Self.shownMessages,
            postURL: SiteURL.conversationMessages(try conversation.requireID()),
            draft: draft, error: error)
        return try await Pages.render(
            req, "conversation", title: "Messages with \(other?.name ?? "")", page, status: status,
            canonical: SiteURL.conversation(try conversation.requireID()))
    }
}

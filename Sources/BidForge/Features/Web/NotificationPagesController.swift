import BidForgeCore
import Fluent
import Vapor

/// The notifications page (newest first, each linking to what it is about), "mark all read", and the realtime
/// ticket the page script needs to open the live socket for the signed-in browser.
struct NotificationPagesController: RouteCollection {
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.page(.notifications, use: list)
        routes.formPost(.notificationsReadAll, form: ButtonForm.self, use: readAll)
        routes.headerCSRFPost(.liveTicket, use: liveTicket)
    }

    struct Row: Encodable, Sendable {
        let title: String
        let body: String
        let unread: Bool
        let url: String?
        let createdAt: String
        let createdText: String

        init(_ item: NotificationInbox.Item) throws {
            let model = item.notification
            let data = try JSONColumn.decode(JSONValue.self, model.dataJSON)
            title = model.title
            body = model.body
            unread = item.readAt == nil
            url = Self.link(for: data)
            createdAt = JSONCoding.formatDate(model.createdAt)
            createdText = PageFormats.utc(model.createdAt)
        }

        /// Where a notification leads: its thread, else its project.
        static func link(for data: JSONValue) -> String? {
            if case .object(let fields) = data {
                if case .string(let raw)? = fields["conversationId"], let id = UUID(uuidString: raw) {
                    return SiteURL.conversation(id)
                }
                if case .string(let raw)? = fields["projectId"], let id = UUID(uuidString: raw) {
                    return SiteURL.project(id)
                }
            }
            return nil
        }
    }

    struct ListPage: Encodable, Sendable {
        let notifications: [Row]
    }

    func list(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let (rows, _) = try await NotificationInbox.page(
            for: user.caller, unreadOnly: false, limit: Self.pageSize, withTotal: false, on: req.db)
        return try await Pages.render(
            req, "notifications", title: "Notifications",
            ListPage(notifications: try rows.map(Row.init)))
    }

    func readAll(_ req: Request, _ user: WebUser, _ form: ButtonForm) async throws -> Response {
        try await NotificationActions.markAllRead(by: user.caller, in: req.useCases)
        return Pages.redirect(SiteURL.notifications.path)
    }

    /// A single-use ticket for the page script's socket. The CSRF token travels in `X-CSRF-Token`: another site
    /// could make the browser post here, and must not get a ticket to listen with.
    func liveTicket(_ req: Request, _ user: WebUser) async throws -> Response {
        let response = try Response.json(
            .created, try await RealtimeTickets.mint(for: user.caller, in: req.useCases).value)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

import BidForgeCore
import Fluent
import Vapor

struct NotificationDTO: Encodable, Sendable {
    let id: UUID
    let type: String
    let title: String
    let body: String
    let data: JSONValue
    @NullEncoded var readAt: Date?
    let createdAt: Date

    init(_ model: NotificationModel, readAt: Date?) throws {
        id = try model.requireID()
        type = model.type
        title = model.title
        body = model.body
        data = try JSONColumn.decode(JSONValue.self, model.dataJSON)
        self.readAt = readAt
        createdAt = model.createdAt
    }
}

struct NotificationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let notifications = routes.grouped("notifications")
        notifications.authed(.GET, use: list)
        notifications.authed(.POST, "read-all", use: readAll)
        notifications.authed(.POST, ":notificationID", "read", use: read)
    }

    func list(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<NotificationDTO>> {
        let paging = try req.paging()
        let unread = req.queryParameters["unread"]
        guard unread == nil || unread == "true" || unread == "false" else {
            throw APIError.validation("unread", "must be true or false")
        }
        let (items, total) = try await NotificationInbox.page(
            for: caller, unreadOnly: unread == "true", limit: paging.limit, offset: paging.offset, on: req.db)
        return JSONResponse(
            Page(try items.map { try NotificationDTO($0.notification, readAt: $0.readAt) }, paging, total: total))
    }

    func read(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        guard let id = req.parameters.get("notificationID", as: UUID.self) else {
            throw APIError.notFound("Notification")
        }
        try await NotificationActions.markRead(id, by: caller, in: req.useCases)
        return .noContent
    }

    func readAll(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        try await NotificationActions.markAllRead(by: caller, in: req.useCases)
        return .noContent
    }
}

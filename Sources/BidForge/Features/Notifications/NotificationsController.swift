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

    init(_ model: NotificationModel) throws {
        id = try model.requireID()
        type = model.type
        title = model.title
        body = model.body
        data = try JSONColumn.decode(JSONValue.self, model.dataJSON)
        readAt = model.readAt
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
        var builder = NotificationModel.query(on: req.db).filter(\.$userId == caller.userId)
        if unread == "true" { builder = builder.filter(\.$readAt == nil) }
        let (rows, total) = try await builder.sort(\.$createdAt, .descending).sort(\.$id, .descending).page(paging)
        return JSONResponse(Page(try rows.map(NotificationDTO.init), paging, total: total))
    }

    func read(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        guard let id = req.parameters.get("notificationID", as: UUID.self),
            let notification = try await NotificationModel.find(id, on: req.db),
            notification.userId == caller.userId
        else {
            throw APIError.notFound("Notification")
        }
        if notification.readAt == nil {
            notification.readAt = req.now
            try await req.write { db in try await notification.update(on: db) }
        }
        return .noContent
    }

    func readAll(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        let now = req.now
        try await req.write { db in
            try await NotificationModel.query(on: db)
                .set(\.$readAt, to: now)
                .filter(\.$userId == caller.userId)
                .filter(\.$readAt == nil)
                .update()
        }
        return .noContent
    }
}

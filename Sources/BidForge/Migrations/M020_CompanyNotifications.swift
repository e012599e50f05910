import Fluent
import Foundation
import SQLKit

/// Notifications become one row per event and company (`company_notifications`) with each user's read state beside
/// them (`notification_reads`, and `notification_read_marks` for "mark all read"), instead of one row per user: an
/// event for a company of 40 wrote 40 rows. Existing rows are folded: the copies one event made for a company's users
/// become one notification, and each user's `read_at` becomes their read of it.
struct M020_ShareNotificationsPerCompany: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("company_notifications")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("type", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("event_id", .int64)
            .create()
        try await db.sql.raw(
            """
            CREATE UNIQUE INDEX company_notifications_event ON company_notifications (event_id, company_id) \
            WHERE event_id IS NOT NULL
            """
        ).run()
        try await db.sql.raw(
            "CREATE INDEX company_notifications_company_created ON company_notifications (company_id, created_at, id)"
        ).run()
        try await db.schema("notification_reads")
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field(
                "notification_id", .uuid, .required,
                .references("company_notifications", "id", onDelete: .cascade)
            )
            .field("read_at", .datetime, .required)
            .compositeIdentifier(over: "user_id", "notification_id")
            .create()
        try await db.schema("notification_read_marks")
            .field("user_id", .uuid, .identifier(auto: false), .references("users", "id", onDelete: .cascade))
            .field("read_through", .datetime, .required)
            .create()

        // Each per-user row knows the row kept for its group: same company, event and content.
        let ranked: SQLQueryString = """
            (SELECT n.*, FIRST_VALUE(n.id) OVER (PARTITION BY n.company_id, n.event_id, n.type, n.title, n.body, \
            n.created_at ORDER BY n.id) AS keep_id FROM notifications n) ranked
            """
        try await db.sql.raw(
            """
            INSERT INTO company_notifications (id, company_id, type, title, body, data, created_at, event_id) \
            SELECT id, company_id, type, title, body, data, created_at, event_id FROM \(ranked) WHERE id = keep_id
            """
        ).run()
        try await db.sql.raw(
            """
            INSERT INTO notification_reads (user_id, notification_id, read_at) \
            SELECT user_id, keep_id, MIN(read_at) FROM \(ranked) WHERE read_at IS NOT NULL GROUP BY user_id, keep_id
            """
        ).run()
        try await db.schema("notifications").delete()
    }

    /// Back to one row per user: every user of the company gets a copy, read when they had read it.
    func revert(on db: any Database) async throws {
        try await db.schema("notifications")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("company_id", .uuid, .required)
            .field("type", .string, .required)
            .field("title", .string, .required)
            .field("body", .string, .required)
            .field("data", .string, .required)
            .field("read_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("event_id", .int64)
            .create()
        try await db.sql.raw("CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at)").run()
        try await db.sql.raw(
            "CREATE UNIQUE INDEX notifications_event_user ON notifications (event_id, user_id) WHERE event_id IS NOT NULL"
        ).run()
        let batch = 500
        var offset = 0
        while true {
            let rows = try await db.sql.raw(
                """
                SELECT n.*, u.id AS reader_id, u.created_at AS joined_at, r.read_at AS own_read_at, m.read_through \
                FROM company_notifications n JOIN users u ON u.company_id = n.company_id \
                LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = u.id \
                LEFT JOIN notification_read_marks m ON m.user_id = u.id \
                ORDER BY n.id, u.id LIMIT \(bind: batch) OFFSET \(bind: offset)
                """
            ).all()
            guard !rows.isEmpty else { break }
            offset += rows.count
            let insert = db.sql.insert(into: "notifications").columns(
                "id", "user_id", "company_id", "type", "title", "body", "data", "read_at", "created_at", "event_id")
            for row in rows {
                let notification = try row.decode(fluentModel: NotificationModel.self)
                let state = NotificationInbox.ReadState(
                    joinedAt: try row.decode(column: "joined_at", as: Date.self),
                    readThrough: try row.decode(column: "read_through", as: Date?.self))
                let readAt = state.readAt(
                    createdAt: notification.createdAt, ownRead: try row.decode(column: "own_read_at", as: Date?.self))
                insert.values(
                    SQLBind(UUID()), SQLBind(try row.decode(column: "reader_id", as: UUID.self)),
                    SQLBind(notification.companyId), SQLBind(notification.type), SQLBind(notification.title),
                    SQLBind(notification.body), SQLBind(notification.dataJSON), SQLBind(readAt),
                    SQLBind(notification.createdAt), SQLBind(notification.eventId))
            }
            try await insert.run()
        }
        try await db.schema("notification_read_marks").delete()
        try await db.schema("notification_reads").delete()
        try await db.schema("company_notifications").delete()
    }
}

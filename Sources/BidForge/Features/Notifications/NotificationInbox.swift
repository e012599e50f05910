import Fluent
import Foundation
import SQLKit

/// One user's view of their company's notifications. A notification is read for a user when they read it
/// (`notification_reads`), when they marked everything up to a time read (`notification_read_marks`), or when it is
/// older than their account: someone who joins a company sees its history without inheriting its unread count.
enum NotificationInbox {
    struct Item: Sendable {
        let notification: NotificationModel
        let readAt: Date?
    }

    /// The read state a user carries across all notifications.
    struct ReadState: Sendable {
        let joinedAt: Date
        let readThrough: Date?

        /// When the user read a notification created at `createdAt`, given their own read of it (if any).
        func readAt(createdAt: Date, ownRead: Date?) -> Date? {
            if let ownRead { return ownRead }
            if let readThrough, createdAt <= readThrough { return readThrough }
            return createdAt < joinedAt ? joinedAt : nil
        }

        /// `readAt(...) == nil` in SQL, over the joins of `from` (`n` the notification, `r` the user's own read, `u`
        /// the user, `m` their mark): the same rule, so counts and lists agree.
        static let unreadCondition: SQLQueryString = """
            r.read_at IS NULL AND n.created_at >= u.created_at \
            AND (m.read_through IS NULL OR n.created_at > m.read_through)
            """
    }

    static func readState(of caller: Caller, on db: any Database) async throws -> ReadState {
        let row = try await db.sql.raw(
            """
            SELECT u.created_at AS joined_at, m.read_through FROM users u \
            LEFT JOIN notification_read_marks m ON m.user_id = u.id WHERE u.id = \(bind: caller.userId)
            """
        ).first()
        guard let row else { throw APIError.notFound("User") }
        return ReadState(
            joinedAt: try row.decode(column: "joined_at", as: Date.self),
            readThrough: try row.decode(column: "read_through", as: Date?.self))
    }

    /// The caller's notifications, newest first, with the number matching: one statement (two with the total).
    static func page(
        for caller: Caller, unreadOnly: Bool, limit: Int, offset: Int = 0, withTotal: Bool = true,
        on db: any Database
    ) async throws -> (items: [Item], total: Int) {
        let from = from(caller, unreadOnly: unreadOnly)
        let rows = try await db.sql.raw(
            """
            SELECT n.*, r.read_at AS own_read_at, u.created_at AS joined_at, m.read_through \(from) \
            ORDER BY n.created_at DESC, n.id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        let items = try rows.map { row in
            let notification = try row.decode(fluentModel: NotificationModel.self)
            let state = ReadState(
                joinedAt: try row.decode(column: "joined_at", as: Date.self),
                readThrough: try row.decode(column: "read_through", as: Date?.self))
            let ownRead = try row.decode(column: "own_read_at", as: Date?.self)
            return Item(
                notification: notification, readAt: state.readAt(createdAt: notification.createdAt, ownRead: ownRead))
        }
        guard withTotal else { return (items, items.count) }
        return (items, try await count(from, on: db))
    }

    /// One statement: it runs on every signed-in page (the layout's badge).
    static func unreadCount(of caller: Caller, on db: any Database) async throws -> Int {
        try await count(from(caller, unreadOnly: true), on: db)
    }

    /// Marks one of the caller's company's notifications read for the caller; another company's is not found.
    static func markRead(_ id: UUID, by caller: Caller, now: Date, on db: any Database) async throws {
        guard
            let notification = try await NotificationModel.find(id, on: db),
            notification.companyId == caller.companyId
        else { throw APIError.notFound("Notification") }
        let state = try await readState(of: caller, on: db)
        guard state.readAt(createdAt: notification.createdAt, ownRead: nil) == nil else { return }
        try await db.sql.raw(
            """
            INSERT INTO notification_reads (user_id, notification_id, read_at) \
            VALUES (\(bind: caller.userId), \(bind: id), \(bind: now)) \
            ON CONFLICT (user_id, notification_id) DO NOTHING
            """
        ).run()
    }

    /// Marks everything the caller's company has been told so far read for the caller: one row, whatever the count.
    static func markAllRead(by caller: Caller, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO notification_read_marks (user_id, read_through) VALUES (\(bind: caller.userId), \(bind: now)) \
            ON CONFLICT (user_id) DO UPDATE SET read_through = excluded.read_through
            """
        ).run()
    }

    private static func from(_ caller: Caller, unreadOnly: Bool) -> SQLQueryString {
        var from: SQLQueryString = """
            FROM company_notifications n JOIN users u ON u.id = \(bind: caller.userId) \
            LEFT JOIN notification_read_marks m ON m.user_id = u.id \
            LEFT JOIN notification_reads r ON r.notification_id = n.id AND r.user_id = u.id \
            WHERE n.company_id = \(bind: caller.companyId)
            """
        if unreadOnly { from = from + " AND " + ReadState.unreadCondition }
        return from
    }

    private static func count(_ from: SQLQueryString, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n \(from)").first()?.decode(column: "n", as: Int.self) ?? 0
    }
}

import Fluent
import SQLKit

/// Domain events written in the same transaction as the change that raised them; a dispatcher consumes them in
/// order. Notifications remember the event that created them, so a redelivered event creates nothing twice.
struct M011_CreateOutbox: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("outbox_events")
            .field("id", .int64, .identifier(auto: true))
            .field("type", .string, .required)
            .field("company_id", .uuid)
            .field("payload", .string, .required)
            .field("created_at", .datetime, .required)
            .field("dispatched_at", .datetime)
            .field("attempts", .int, .required)
            .field("last_error", .string)
            .create()
        // The dispatcher's queue: only undispatched rows, in id order.
        try await db.sql.raw("CREATE INDEX outbox_pending_idx ON outbox_events (id) WHERE dispatched_at IS NULL").run()
        try await db.sql.raw("CREATE INDEX outbox_created_idx ON outbox_events (created_at)").run()

        try await db.schema("notifications").field("event_id", .int64).update()
        try await db.sql.raw(
            "CREATE UNIQUE INDEX notifications_event_user ON notifications (event_id, user_id) WHERE event_id IS NOT NULL"
        ).run()
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX notifications_event_user").run()
        try await db.schema("notifications").deleteField("event_id").update()
        try await db.schema("outbox_events").delete()
    }
}

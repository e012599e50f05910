import Fluent
import SQLKit

/// Indexes the retention job deletes by, so each batch finds its rows without scanning the table.
struct M016_AddRetentionIndexes: AsyncMigration {
    static let indexes = [
        ("idempotency_keys_created_at_idx", "idempotency_keys", "created_at"),
        ("outbox_events_dispatched_at_idx", "outbox_events", "dispatched_at"),
        ("realtime_tickets_expires_at_idx", "realtime_tickets", "expires_at"),
        ("refresh_tokens_expires_at_idx", "refresh_tokens", "expires_at"),
        ("web_sessions_expires_at_idx", "web_sessions", "expires_at"),
        ("document_downloads_created_at_idx", "document_downloads", "created_at")
    ]

    func prepare(on db: any Database) async throws {
        for (name, table, column) in Self.indexes {
            try await db.sql.raw("CREATE INDEX \(ident: name) ON \(ident: table) (\(ident: column))").run()
        }
    }

    func revert(on db: any Database) async throws {
        for (name, _, _) in Self.indexes { try await db.sql.raw("DROP INDEX \(ident: name)").run() }
    }
}

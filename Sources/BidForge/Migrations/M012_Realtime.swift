import Fluent
import SQLKit

/// Single-use tickets that let a browser open the realtime socket (it cannot set an Authorization header), and the
/// record of bid-due reminders sent, whose primary key makes each reminder go out once across all instances.
struct M012_CreateRealtime: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("realtime_tickets")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("company_id", .uuid, .required)
            .field("role", .string, .required)
            .field("session_expires_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()

        try await db.schema("bid_due_reminders")
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("sent_at", .datetime, .required)
            .compositeIdentifier(over: "project_id", "company_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("bid_due_reminders").delete()
        try await db.schema("realtime_tickets").delete()
    }
}

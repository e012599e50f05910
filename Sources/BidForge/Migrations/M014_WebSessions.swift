import Fluent

/// Browser sessions: an opaque cookie whose hash is stored here, so a stolen database does not yield live sessions.
struct M014_CreateWebSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("web_sessions")
            .id()
            .field("token_hash", .string, .required)
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("company_id", .uuid, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("web_sessions").delete()
    }
}

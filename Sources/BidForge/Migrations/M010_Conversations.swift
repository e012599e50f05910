import Fluent
import SQLKit

/// Private threads between a project's owner company and one other company, their messages, and per-user read marks.
/// Messages are numbered per thread (`seq`), so paging and unread counts never depend on two clocks agreeing.
struct M010_CreateConversations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("conversations")
            .id()
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("owner_company_id", .uuid, .required, .references("companies", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("created_at", .datetime, .required)
            .field("last_message_at", .datetime)
            .field("last_seq", .int64, .required)
            .create()
        // The same pair on the same project always gets the same thread, even when both sides open it at once.
        try await db.sql.raw("CREATE UNIQUE INDEX conversations_pair ON conversations (project_id, company_id)").run()
        try await db.sql.raw("CREATE INDEX conversations_owner_idx ON conversations (owner_company_id)").run()
        try await db.sql.raw("CREATE INDEX conversations_company_idx ON conversations (company_id)").run()

        try await db.schema("messages")
            .id()
            .field("conversation_id", .uuid, .required, .references("conversations", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("sender_id", .uuid, .required, .references("users", "id"))
            .field("seq", .int64, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.sql.raw("CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_id, seq)").run()

        try await db.schema("conversation_reads")
            .field("conversation_id", .uuid, .required, .references("conversations", "id"))
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("read_seq", .int64, .required)
            .compositeIdentifier(over: "conversation_id", "user_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("conversation_reads").delete()
        try await db.schema("messages").delete()
        try await db.schema("conversations").delete()
    }
}

import Fluent
import SQLKit

/// Uploads in flight (a stored object whose row is not committed yet: a crash between the two leaves an object nobody
/// owns, which the sweep deletes), and documents that replace others.
struct M017_AddDocumentLifecycle: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("pending_uploads")
            .id()
            .field("storage_key", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.sql.raw("CREATE INDEX pending_uploads_created_at_idx ON pending_uploads (created_at)").run()
        try await db.schema("documents").field("replaces_id", .uuid).update()
        try await db.schema("documents").field("superseded_at", .datetime).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("documents").deleteField("superseded_at").update()
        try await db.schema("documents").deleteField("replaces_id").update()
        try await db.schema("pending_uploads").delete()
    }
}

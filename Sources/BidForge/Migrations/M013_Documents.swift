import Fluent
import SQLKit

/// Plans and specs, their image derivatives, and every download (who, when), for the owner's activity view.
struct M013_CreateDocuments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("documents")
            .id()
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("uploaded_by", .uuid, .required, .references("users", "id"))
            .field("filename", .string, .required)
            .field("title", .string)
            .field("content_type", .string, .required)
            .field("size_bytes", .int64, .required)
            .field("sha256", .string, .required)
            .field("storage_key", .string, .required)
            .field("addendum_number", .int)
            .field("derivatives", .string, .required)
            .field("display_key", .string)
            .field("thumbnail_key", .string)
            .field("derivative_lease_until", .datetime)
            .field("derivative_attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "project_id", "addendum_number")
            .create()
        try await db.schema("document_downloads")
            .id()
            .field("document_id", .uuid, .required, .references("documents", "id"))
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid)
            .field("user_id", .uuid)
            .field("variant", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("CREATE INDEX documents_by_project ON documents (project_id, created_at)").run()
        try await sql.raw(
            "CREATE INDEX documents_pending_derivatives ON documents (derivatives, derivative_lease_until)"
        ).run()
        try await sql.raw("CREATE INDEX document_downloads_by_project ON document_downloads (project_id, company_id)")
            .run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("document_downloads").delete()
        try await db.schema("documents").delete()
    }
}

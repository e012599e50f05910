import Fluent
import SQLKit

struct M005_CreateProjects: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("projects")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("created_by", .uuid, .required)
            .field("title", .string, .required)
            .field("description", .string, .required)
            .field("status", .string, .required)
            .field("visibility", .string, .required)
            .field("sealed", .bool, .required)
            .field("trades", .string, .required)
            .field("address", .string)
            .field("city", .string, .required)
            .field("state", .string, .required)
            .field("postal_code", .string, .required)
            .field("country", .string, .required)
            .field("budget_min_cents", .int64)
            .field("budget_max_cents", .int64)
            .field("bid_due_at", .datetime, .required)
            .field("published_at", .datetime)
            .field("awarded_at", .datetime)
            .field("awarded_bid_id", .uuid)
            .field("addendum_count", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await db.sql.raw("CREATE INDEX projects_company_id_idx ON projects (company_id, created_at)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("projects").delete()
    }
}

struct M006_CreateBids: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("bids")
            .id()
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("submitted_by", .uuid, .required)
            .field("status", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("currency", .string, .required)
            .field("notes", .string, .required)
            .field("line_items", .string, .required)
            .field("exclusions", .string, .required)
            .field("acknowledged_addendum", .int, .required)
            .field("valid_until", .datetime)
            .field("revision", .int, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        // One live bid per company per project, enforced by the database so concurrent submissions cannot both win.
        try await db.sql.raw(
            "CREATE UNIQUE INDEX bids_one_live_per_company ON bids (project_id, company_id) WHERE status = 'SUBMITTED'"
        ).run()
        try await db.sql.raw("CREATE INDEX bids_company_created_idx ON bids (company_id, created_at)").run()
        if !db.isPostgres {
            try await db.sql.raw("CREATE INDEX bids_project_status_idx ON bids (project_id, status)").run()
        }

        try await db.schema("bid_revisions")
            .id()
            .field("bid_id", .uuid, .required, .references("bids", "id"))
            .field("company_id", .uuid, .required)
            .field("revision", .int, .required)
            .field("amount_cents", .int64, .required)
            .field("currency", .string, .required)
            .field("notes", .string, .required)
            .field("line_items", .string, .required)
            .field("exclusions", .string, .required)
            .field("acknowledged_addendum", .int, .required)
            .field("valid_until", .datetime)
            .field("created_by", .uuid, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "bid_id", "revision", name: "bid_revisions_bid_revision_key")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("bid_revisions").delete()
        try await db.schema("bids").delete()
    }
}

struct M007_CreateInvitationsAndQuestions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("invitations")
            .id()
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("owner_company_id", .uuid, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("responded_at", .datetime)
            .unique(on: "project_id", "company_id", name: "invitations_project_company_key")
            .create()
        try await db.sql.raw("CREATE INDEX invitations_company_idx ON invitations (company_id, created_at)").run()

        try await db.schema("questions")
            .id()
            .field("project_id", .uuid, .required, .references("projects", "id"))
            .field("company_id", .uuid, .required)
            .field("asked_by", .uuid, .required)
            .field("body", .string, .required)
            .field("answer", .string)
            .field("answered_by", .uuid)
            .field("answered_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await db.sql.raw("CREATE INDEX questions_project_idx ON questions (project_id, created_at)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("questions").delete()
        try await db.schema("invitations").delete()
    }
}

struct M008_CreateNotificationsAndIdempotency: AsyncMigration {
    func prepare(on db: any Database) async throws {
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
            .create()
        try await db.sql.raw("CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at)").run()

        try await db.schema("idempotency_keys")
            .id()
            .field("user_id", .uuid, .required)
            .field("company_id", .uuid, .required)
            .field("key", .string, .required)
            .field("request_hash", .string, .required)
            .field("status_code", .int)
            .field("response_body", .data)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key", name: "idempotency_keys_user_key")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("idempotency_keys").delete()
        try await db.schema("notifications").delete()
    }
}

import Fluent
import SQLKit

/// The scaling plan's indexes. PostgreSQL only: partial and expression indexes the listing queries are written for.
/// SQLite has its portable subset in the table migrations and a LIKE fallback for search.
struct M009_PostgresScalingIndexes: AsyncMigration {
    static let statements = [
        "CREATE INDEX projects_status_created_at_idx ON projects (status, created_at DESC)",
        "CREATE INDEX bids_project_id_status_idx ON bids (project_id, status)",
        "CREATE INDEX users_role_created_at_idx ON users (role, created_at) WHERE role IN ('CONTRACTOR','SUBCONTRACTOR')",
        "CREATE INDEX companies_plan_idx ON companies (plan) WHERE plan <> 'FREE'",
        "CREATE INDEX projects_search_idx ON projects USING GIN (\(ProjectSearch.postgresDocument))"
    ]

    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement in Self.statements { try await db.sql.raw(SQLQueryString(statement)).run() }
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for name in [
            "projects_status_created_at_idx", "bids_project_id_status_idx", "users_role_created_at_idx",
            "companies_plan_idx", "projects_search_idx"
        ] {
            try await db.sql.raw("DROP INDEX IF EXISTS \(ident: name)").run()
        }
    }
}

enum ProjectSearch {
    /// The indexed document; queries must repeat this exact expression for the GIN index to apply.
    static let postgresDocument = "to_tsvector('english', title || ' ' || description)"
}

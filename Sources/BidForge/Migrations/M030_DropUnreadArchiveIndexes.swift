import Fluent
import SQLKit

/// Drops the archive's indexes no read uses (PostgreSQL): archived projects and bids are reached by id and by project
/// (`ArchivedProjects`), never listed by company, so their `(company_id, created_at)` indexes and the archived
/// invitations' `(company_id)` only cost the archive a write per row. A read that lists them by company brings its index.
struct M030_DropUnreadArchiveIndexes: AsyncMigration {
    static let indexes: [(name: String, table: String, key: String)] = [
        ("archived_projects_1_idx", "archived_projects", "(company_id, created_at)"),
        ("archived_bids_2_idx", "archived_bids", "(company_id, created_at)"),
        ("archived_invitations_2_idx", "archived_invitations", "(company_id)")
    ]

    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for index in Self.indexes {
            try await db.sql.raw("DROP INDEX IF EXISTS \(ident: index.name)").run()
        }
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for index in Self.indexes {
            try await db.sql.raw(
                "CREATE INDEX \(ident: index.name) ON \(ident: index.table) \(unsafeRaw: index.key)"
            ).run()
        }
    }
}

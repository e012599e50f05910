import Fluent
import SQLKit

/// The archive (PostgreSQL): a table beside each live table a finished project's rows live in (`archived_<table>`,
/// the same columns; `bidforge archive` moves them), with the keys their reads use, and an index that finds the
/// projects to archive in order. A migration that adds a column to one of these live tables adds it to its archive
/// table too (`ProjectArchive` copies by the live table's column names and fails loudly on a missing one).
struct M026_AddArchiveTables: AsyncMigration {
    /// Live table → the archive table's keys (its primary key first).
    static let tables: [(table: String, keys: [String])] = [
        ("projects", ["PRIMARY KEY (id)", "(company_id, created_at)"]),
        ("bids", ["PRIMARY KEY (id)", "(project_id)", "(company_id, created_at)"]),
        ("bid_revisions", ["PRIMARY KEY (id)", "(bid_id)"]),
        ("questions", ["PRIMARY KEY (id)", "(project_id)"]),
        ("invitations", ["PRIMARY KEY (id)", "(project_id)", "(company_id)"]),
        ("conversations", ["PRIMARY KEY (id)", "(project_id)"]),
        ("messages", ["PRIMARY KEY (id)", "(conversation_id)"]),
        ("conversation_reads", ["PRIMARY KEY (conversation_id, user_id)"]),
        ("documents", ["PRIMARY KEY (id)", "(project_id)"]),
        ("document_downloads", ["PRIMARY KEY (id)", "(project_id)"]),
        ("bid_due_reminders", ["PRIMARY KEY (project_id, company_id)"])
    ]

    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        let sql = db.sql
        for (table, keys) in Self.tables {
            let archive = "archived_" + table
            try await sql.raw("CREATE TABLE \(ident: archive) (LIKE \(ident: table) INCLUDING DEFAULTS)").run()
            for (index, key) in keys.enumerated() {
                if key.hasPrefix("PRIMARY KEY") {
                    try await sql.raw("ALTER TABLE \(ident: archive) ADD \(unsafeRaw: key)").run()
                } else {
                    try await sql.raw(
                        "CREATE INDEX \(ident: "\(archive)_\(index)_idx") ON \(ident: archive) \(unsafeRaw: key)"
                    )
                    .run()
                }
            }
        }
        try await sql.raw(
            "CREATE INDEX projects_archivable_idx ON projects (updated_at, id) WHERE status IN ('AWARDED', 'CANCELLED')"
        ).run()
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw("DROP INDEX IF EXISTS projects_archivable_idx").run()
        for (table, _) in Self.tables {
            try await db.sql.raw("DROP TABLE IF EXISTS \(ident: "archived_" + table)").run()
        }
    }
}

import Fluent
import SQLKit

/// A project's trades as a real set: one `project_trades` row per (trade, project), keyed trade first so a trade
/// filter is an index range on both databases (a `LIKE '%,26,%'` over the comma-joined column could use no index).
/// `projects.trades` stays as the display copy, written in the same transaction (`ProjectTrades.replace`).
struct M018_AddProjectTrades: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("project_trades")
            .field("trade", .string, .required)
            .field("project_id", .uuid, .required, .references("projects", "id", onDelete: .cascade))
            .compositeIdentifier(over: "trade", "project_id")
            .create()
        try await db.sql.raw("CREATE INDEX project_trades_project_id_idx ON project_trades (project_id)").run()
        if db.isPostgres {
            // One statement over the whole table: `,03,26,` → rows (03, id), (26, id).
            try await db.sql.raw(
                """
                INSERT INTO project_trades (trade, project_id)
                SELECT DISTINCT t.trade, p.id FROM projects p,
                    unnest(string_to_array(trim(both ',' from p.trades), ',')) AS t(trade)
                WHERE p.trades <> '' AND t.trade <> ''
                """
            ).run()
        } else {
            // SQLite: a recursive split of the same text, in one statement as well.
            try await db.sql.raw(
                """
                WITH RECURSIVE split(project_id, trade, rest) AS (
                    SELECT id, '', substr(trades, 2) FROM projects WHERE trades <> ''
                    UNION ALL
                    SELECT project_id, substr(rest, 1, instr(rest, ',') - 1), substr(rest, instr(rest, ',') + 1)
                    FROM split WHERE rest <> ''
                )
                INSERT OR IGNORE INTO project_trades (trade, project_id)
                SELECT trade, project_id FROM split WHERE trade <> ''
                """
            ).run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("project_trades").delete()
    }
}

import Fluent
import SQLKit

/// `project_trades.open_public_state`: the project's state while it is OPEN and PUBLIC, else NULL, kept by
/// `ProjectTrades` — so the public listing counts a trade (or a trade in a state) from one partial index instead of
/// joining every match to its project (7.7 ms a count for a trade in a state on 100,000 projects).
struct M022_AddOpenPublicStateToProjectTrades: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("project_trades").field("open_public_state", .string).update()
        try await db.sql.raw(
            """
            UPDATE project_trades SET open_public_state = (SELECT CASE WHEN p.status = 'OPEN' AND \
            p.visibility = 'PUBLIC' THEN p.state END FROM projects p WHERE p.id = project_trades.project_id)
            """
        ).run()
        try await db.sql.raw(
            """
            CREATE INDEX project_trades_open_public_idx ON project_trades (trade, open_public_state) \
            WHERE open_public_state IS NOT NULL
            """
        ).run()
        if db.isPostgres { try await db.sql.raw("ANALYZE project_trades").run() }
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX project_trades_open_public_idx").run()
        try await db.schema("project_trades").deleteField("open_public_state").update()
    }
}

import Fluent
import SQLKit

/// `project_trades.project_created_at`: a copy of the project's `created_at` (which never changes), so the public
/// OPEN listing by trade, or by trade and state, pages newest first from one index of the trade rows and reads only
/// the page's projects — instead of visiting every project of the state to test its trades (2.5 ms a page on 100,000
/// projects). The (trade, state, created) index also serves the counts M022's index did, so that one goes.
struct M023_AddProjectCreatedAtToProjectTrades: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("project_trades").field("project_created_at", .datetime).update()
        try await db.sql.raw(
            """
            UPDATE project_trades SET project_created_at = \
            (SELECT p.created_at FROM projects p WHERE p.id = project_trades.project_id)
            """
        ).run()
        try await db.sql.raw(
            """
            CREATE INDEX project_trades_open_public_created_idx ON project_trades \
            (trade, project_created_at DESC, project_id DESC) WHERE open_public_state IS NOT NULL
            """
        ).run()
        try await db.sql.raw(
            """
            CREATE INDEX project_trades_open_public_state_created_idx ON project_trades \
            (trade, open_public_state, project_created_at DESC, project_id DESC) WHERE open_public_state IS NOT NULL
            """
        ).run()
        try await db.sql.raw("DROP INDEX project_trades_open_public_idx").run()
        if db.isPostgres { try await db.sql.raw("ANALYZE project_trades").run() }
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw(
            """
            CREATE INDEX project_trades_open_public_idx ON project_trades (trade, open_public_state) \
            WHERE open_public_state IS NOT NULL
            """
        ).run()
        try await db.sql.raw("DROP INDEX project_trades_open_public_state_created_idx").run()
        try await db.sql.raw("DROP INDEX project_trades_open_public_created_idx").run()
        try await db.schema("project_trades").deleteField("project_created_at").update()
    }
}

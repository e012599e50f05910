import Fluent
import SQLKit

/// A project's trades: the `project_trades` set the listing filters on, and the display copy on the project row,
/// always written together.
enum ProjectTrades {
    /// Sets the project's trades (inside the caller's transaction).
    static func replace(_ trades: [String], of project: ProjectModel, on db: any Database) async throws {
        let projectId = try project.requireID()
        project.trades = trades
        try await db.sql.raw("DELETE FROM project_trades WHERE project_id = \(bind: projectId)").run()
        for trade in Set(trades).sorted() {
            try await db.sql.raw(
                "INSERT INTO project_trades (trade, project_id) VALUES (\(bind: trade), \(bind: projectId))"
            ).run()
        }
    }
}

import BidForgeCore
import Fluent
import SQLKit

/// A project's trades: the `project_trades` set the listing filters on, and the display copy on the project row,
/// always written together. Each row also carries the project's state while it is OPEN and PUBLIC (else NULL) and
/// its creation time, so the public listing pages and counts a trade, or a trade in a state, from one index and
/// reads only the page's projects (`ProjectQueries.listStatements`); `ProjectTradesSync` keeps the state current
/// whenever a project is saved (the creation time never changes).
enum ProjectTrades {
    /// Sets the project's trades (inside the caller's transaction).
    static func replace(_ trades: [String], of project: ProjectModel, on db: any Database) async throws {
        let projectId = try project.requireID()
        project.trades = trades
        let listed = openPublicState(project.status, project.visibility, state: project.state)
        try await db.sql.raw("DELETE FROM project_trades WHERE project_id = \(bind: projectId)").run()
        for trade in Set(trades).sorted() {
            try await db.sql.raw(
                """
                INSERT INTO project_trades (trade, project_id, open_public_state, project_created_at) \
                VALUES (\(bind: trade), \(bind: projectId), \(bind: listed), \(bind: project.createdAt))
                """
            ).run()
        }
    }

    /// Brings the rows' copy of the listing columns up to date with the project (after it was saved).
    static func sync(_ project: ProjectModel, on db: any Database) async throws {
        let listed = openPublicState(project.status, project.visibility, state: project.state)
        try await db.sql.raw(
            """
            UPDATE project_trades SET open_public_state = \(bind: listed) \
            WHERE project_id = \(bind: try project.requireID())
            """
        ).run()
    }

    /// The state a project is publicly listed under as OPEN, or nil when it is not (the rule the rows copy).
    static func openPublicState(_ status: ProjectStatus, _ visibility: ProjectVisibility, state: String) -> String? {
        status == .open && visibility == .public ? state : nil
    }
}

/// Every saved project refreshes its trade rows' listing copy, whichever action changed its status, visibility or
/// state (they all save the model).
struct ProjectTradesSync: AsyncModelMiddleware {
    func update(model: ProjectModel, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        try await ProjectTrades.sync(model, on: db)
    }
}

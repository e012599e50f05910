import SQLKit
import Vapor

/// Connections this instance holds open to PostgreSQL, by state. Fluent's pool does not expose its counts, so they
/// are read from `pg_stat_activity`, where every connection of this instance carries its `application_name` (the
/// sampling one included, in use). Behind PgBouncer in transaction mode a server connection carries the name only
/// while it runs one of this instance's transactions: idle ones are the pooler's, and count as none of ours.
struct DatabasePoolSample: Sendable {
    let inUse: Int
    let idle: Int

    /// `bidforge <instance>`, within PostgreSQL's 63-byte limit.
    static func applicationName(instance: String) -> String {
        String(("bidforge " + instance).utf8.prefix(63)) ?? "bidforge"
    }

    /// nil on SQLite or when the database does not answer within a second (the scrape must not hang).
    static func sample(_ app: Application) async -> DatabasePoolSample? {
        guard app.settings.database.isPostgres, let sql = app.db as? any SQLDatabase else { return nil }
        let name = applicationName(instance: app.settings.instanceName)
        return await withTimeout(.seconds(1)) {
            let rows = try await sql.raw(
                """
                SELECT state, COUNT(*) AS n FROM pg_stat_activity
                WHERE application_name = \(bind: name) GROUP BY state
                """
            ).all()
            var inUse = 0, idle = 0
            for row in rows {
                let count = try row.decode(column: "n", as: Int.self)
                if try row.decode(column: "state", as: String?.self) == "idle" { idle += count } else { inUse += count }
            }
            return DatabasePoolSample(inUse: inUse, idle: idle)
        }
    }
}

import Fluent
import SQLKit

/// An index for each listing filter and sort (both databases): state with either order, the due-date order, budgets,
/// and city. Trades are served by `project_trades` (M018), companies by `projects_company_id_idx`, search by the GIN
/// index (PostgreSQL). The plans on the benchmark dataset are in docs/listing-plans.md.
struct M021_AddListingIndexes: AsyncMigration {
    static let indexes: [(name: String, definition: String)] = [
        ("projects_state_created_idx", "projects (state, status, created_at DESC, id DESC)"),
        ("projects_due_idx", "projects (status, bid_due_at, id)"),
        ("projects_state_due_idx", "projects (state, status, bid_due_at, id)"),
        ("projects_budget_idx", "projects (status, (COALESCE(budget_max_cents, budget_min_cents)))"),
        ("projects_city_idx", "projects (lower(city), status)")
    ]

    func prepare(on db: any Database) async throws {
        var indexes = Self.indexes
        // PostgreSQL has it from M009.
        if !db.isPostgres { indexes.append(("projects_status_created_at_idx", "projects (status, created_at DESC)")) }
        for (name, definition) in indexes {
            try await db.sql.raw("CREATE INDEX \(ident: name) ON \(unsafeRaw: definition)").run()
        }
        if db.isPostgres { try await db.sql.raw("ANALYZE projects").run() }
    }

    func revert(on db: any Database) async throws {
        var names = Self.indexes.map(\.name)
        if !db.isPostgres { names.append("projects_status_created_at_idx") }
        for name in names { try await db.sql.raw("DROP INDEX \(ident: name)").run() }
    }
}

import Fluent
import SQLKit

/// An index for each listing filter and sort (both databases): state with either order, the due-date order, budgets,
/// city, and the public OPEN set the counts read. Trades are served by `project_trades` (M018), companies by
/// `projects_company_id_idx`, search by the GIN index (PostgreSQL). Plans on the benchmark dataset:
/// docs/listing-plans.md.
struct M021_AddListingIndexes: AsyncMigration {
    static let indexes: [(name: String, definition: String)] = [
        // Visibility before the order: the public listing fixes it, so it still reads in order, and its count of a
        // state (with a trade: merged with `project_trades`) reads the index alone instead of every row's heap page.
        ("projects_state_created_idx", "projects (state, status, visibility, created_at DESC, id DESC)"),
        ("projects_due_idx", "projects (status, bid_due_at, id)"),
        ("projects_state_due_idx", "projects (state, status, visibility, bid_due_at, id)"),
        ("projects_budget_idx", "projects (status, visibility, (COALESCE(budget_max_cents, budget_min_cents)))"),
        ("projects_city_idx", "projects (lower(city), status)"),
        // The public OPEN set by id: a trade's capped count merges it with `project_trades` reading indexes only
        // (14 ms → 1.5 ms for a common trade on 100,000 projects), and the default listing counts from it alone.
        ("projects_open_public_idx", "projects (id) WHERE status = 'OPEN' AND visibility = 'PUBLIC'")
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

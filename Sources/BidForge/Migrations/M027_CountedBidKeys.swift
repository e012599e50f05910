import Fluent
import SQLKit

/// A project's bid count (its bids that are not withdrawn) read from `bid_keys` (PostgreSQL): one small unpartitioned
/// index instead of a probe into every year of `bids` for each listed project — measured, the partitions' probes cost
/// the uncached listing a quarter of its throughput. `counted` is kept by the same trigger as `live`.
struct M027_CountBidsFromTheirKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement: SQLQueryString in [
            "ALTER TABLE bid_keys ADD COLUMN counted boolean NOT NULL DEFAULT false",
            "UPDATE bid_keys k SET counted = b.status <> 'WITHDRAWN' FROM bids b WHERE b.id = k.id",
            "ALTER TABLE bid_keys ALTER COLUMN counted DROP DEFAULT",
            "CREATE INDEX bid_keys_counted_idx ON bid_keys (project_id) WHERE counted",
            M025_PartitionBidsByYear.keysFunction(counting: true)
        ] {
            try await db.sql.raw(statement).run()
        }
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement: SQLQueryString in [
            M025_PartitionBidsByYear.keysFunction(counting: false), "DROP INDEX IF EXISTS bid_keys_counted_idx",
            "ALTER TABLE bid_keys DROP COLUMN IF EXISTS counted"
        ] {
            try await db.sql.raw(statement).run()
        }
    }
}

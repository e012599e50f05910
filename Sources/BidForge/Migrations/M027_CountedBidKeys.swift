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
            Self.function(counting: true)
        ] {
            try await db.sql.raw(statement).run()
        }
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement: SQLQueryString in [
            Self.function(counting: false), "DROP INDEX IF EXISTS bid_keys_counted_idx",
            "ALTER TABLE bid_keys DROP COLUMN IF EXISTS counted"
        ] {
            try await db.sql.raw(statement).run()
        }
    }

    /// The trigger function of M025, keeping `counted` too when `counting`.
    static func function(counting: Bool) -> SQLQueryString {
        let insertColumns = counting ? ", counted" : ""
        let insertValues = counting ? ", NEW.status <> 'WITHDRAWN'" : ""
        let update =
            counting
            ? """
            IF NEW.status IS DISTINCT FROM OLD.status THEN
              UPDATE bid_keys SET live = NEW.status = 'SUBMITTED', counted = NEW.status <> 'WITHDRAWN' WHERE id = NEW.id;
            END IF;
            """
            : """
            IF (NEW.status = 'SUBMITTED') IS DISTINCT FROM (OLD.status = 'SUBMITTED') THEN
              UPDATE bid_keys SET live = NEW.status = 'SUBMITTED' WHERE id = NEW.id;
            END IF;
            """
        return SQLQueryString(
            stringLiteral: """
                CREATE OR REPLACE FUNCTION bidforge_bid_keys() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP = 'INSERT' THEN
                    INSERT INTO bid_keys (id, project_id, company_id, live\(insertColumns))
                    VALUES (NEW.id, NEW.project_id, NEW.company_id, NEW.status = 'SUBMITTED'\(insertValues));
                    RETURN NEW;
                  ELSIF TG_OP = 'UPDATE' THEN
                    IF NEW.id <> OLD.id OR NEW.project_id <> OLD.project_id OR NEW.company_id <> OLD.company_id THEN
                      RAISE EXCEPTION 'a bid''s id, project and company never change';
                    END IF;
                    \(update)
                    RETURN NEW;
                  ELSE
                    DELETE FROM bid_keys WHERE id = OLD.id;
                    RETURN OLD;
                  END IF;
                END
                $$
                """)
    }
}

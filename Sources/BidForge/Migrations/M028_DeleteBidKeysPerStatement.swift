import Fluent
import SQLKit

/// `bid_keys` rows go in one statement per `DELETE FROM bids`, not one per deleted bid (PostgreSQL). Only the archive
/// deletes bids, a thousand at a time: measured, the row trigger's `DELETE … WHERE id = OLD.id` was 36 % of the archive's
/// database time (19.8 of 55 s for 301,656 bids). The row trigger keeps inserts and status changes; its delete branch
/// is never reached again. A statement trigger fires only for statements on `bids` itself: delete bids through the
/// parent table, never straight from a year's partition (nothing does).
struct M028_DeleteBidKeysPerStatement: AsyncMigration {
    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement: SQLQueryString in [
            """
            CREATE FUNCTION bidforge_bid_keys_gone() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              DELETE FROM bid_keys k USING gone g WHERE k.id = g.id;
              RETURN NULL;
            END
            $$
            """,
            "DROP TRIGGER bids_keys_delete ON bids",
            """
            CREATE TRIGGER bids_keys_delete AFTER DELETE ON bids REFERENCING OLD TABLE AS gone
            FOR EACH STATEMENT EXECUTE FUNCTION bidforge_bid_keys_gone()
            """
        ] {
            try await db.sql.raw(statement).run()
        }
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        for statement: SQLQueryString in [
            "DROP TRIGGER IF EXISTS bids_keys_delete ON bids",
            "CREATE TRIGGER bids_keys_delete AFTER DELETE ON bids FOR EACH ROW EXECUTE FUNCTION bidforge_bid_keys()",
            "DROP FUNCTION IF EXISTS bidforge_bid_keys_gone()"
        ] {
            try await db.sql.raw(statement).run()
        }
    }
}

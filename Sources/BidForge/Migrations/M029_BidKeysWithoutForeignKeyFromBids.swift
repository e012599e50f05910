import Fluent
import SQLKit

/// Drops `bids.id → bid_keys(id)` (PostgreSQL). Both ends of that key are written by `bids`' own triggers — the row
/// trigger inserts a bid's key in the bid's INSERT and refuses to change its id, M028's statement trigger removes the
/// keys of the bids a DELETE removed — so the foreign key only re-checked them, at a price: every deleted key ran two
/// checks (is the key back? does a bid in any year still use it?), measured at a fifth of the archive's database CPU
/// (43–45 → 35–36 s for 301,656 bids), and every placed bid took a key-share lock on its new key. What it still
/// guarded against is a key deleted by hand while its bid lives; `bid_revisions.bid_id → bid_keys(id)` stays.
struct M029_BidKeysWithoutForeignKeyFromBids: AsyncMigration {
    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw("ALTER TABLE bids DROP CONSTRAINT IF EXISTS bids_id_key_fkey").run()
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw(
            "ALTER TABLE bids ADD CONSTRAINT bids_id_key_fkey FOREIGN KEY (id) REFERENCES bid_keys (id)"
        )
        .run()
    }
}

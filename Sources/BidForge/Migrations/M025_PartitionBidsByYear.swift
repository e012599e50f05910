import Fluent
import Foundation
import SQLKit

/// Bids partitioned by year of `created_at` (PostgreSQL; SQLite keeps one table). A partitioned table's unique rules
/// must include its partition key, so the rules that span every year move to `bid_keys`, one row per bid kept by a
/// trigger in the same statement as the bid: the bid id's uniqueness (and the revisions' foreign key), and a company's
/// one live bid per project (`bid_keys_one_live_per_company`, whose violation is the same 23505 as before). Existing
/// bids are copied; years run from the oldest bid's to `BidPartitions.yearsAhead` past this one.
struct M025_PartitionBidsByYear: AsyncMigration {
    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        let sql = db.sql
        try await sql.raw(
            """
            CREATE TABLE bid_keys (
              id uuid PRIMARY KEY,
              project_id uuid NOT NULL,
              company_id uuid NOT NULL,
              live boolean NOT NULL
            )
            """
        ).run()
        try await sql.raw("INSERT INTO bid_keys SELECT id, project_id, company_id, status = 'SUBMITTED' FROM bids")
            .run()
        try await sql.raw(
            "CREATE UNIQUE INDEX bid_keys_one_live_per_company ON bid_keys (project_id, company_id) WHERE live"
        ).run()
        try await sql.raw(
            "CREATE TABLE bids_by_year (LIKE bids INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE (created_at)"
        ).run()
        let firstYear =
            try await sql.raw("SELECT min(created_at) AS first FROM bids").first()?.decode(
                column: "first", as: Date?.self
            ).map(YearlyPartitions.year(of:)) ?? YearlyPartitions.year(of: Date())
        let lastYear = max(firstYear, YearlyPartitions.year(of: Date())) + BidPartitions.yearsAhead
        try await YearlyPartitions.ensure("bids_by_year", years: firstYear...lastYear, on: sql)
        try await sql.raw("INSERT INTO bids_by_year SELECT * FROM bids").run()
        try await sql.raw("ALTER TABLE bid_revisions DROP CONSTRAINT IF EXISTS bid_revisions_bid_id_fkey").run()
        try await sql.raw("DROP TABLE bids").run()
        try await sql.raw("ALTER TABLE bids_by_year RENAME TO bids").run()
        for year in firstYear...lastYear {
            try await sql.raw(
                "ALTER TABLE \(ident: YearlyPartitions.name("bids_by_year", year: year)) RENAME TO \(ident: YearlyPartitions.name("bids", year: year))"
            ).run()
        }
        try await Self.keysAndIndexes(on: sql)
    }

    static func keysAndIndexes(on sql: any SQLDatabase) async throws {
        for statement: SQLQueryString in [
            "ALTER TABLE bids ADD CONSTRAINT bids_pkey PRIMARY KEY (id, created_at)",
            "ALTER TABLE bids ADD CONSTRAINT bids_id_key_fkey FOREIGN KEY (id) REFERENCES bid_keys (id)",
            "ALTER TABLE bids ADD CONSTRAINT bids_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)",
            "ALTER TABLE bids ADD CONSTRAINT bids_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies (id)",
            "ALTER TABLE bid_revisions ADD CONSTRAINT bid_revisions_bid_id_fkey FOREIGN KEY (bid_id) REFERENCES bid_keys (id)",
            "CREATE INDEX bids_company_created_idx ON bids (company_id, created_at)",
            "CREATE INDEX bids_project_id_status_idx ON bids (project_id, status)",
            keysFunction(counting: false),
            // AFTER DELETE: the key goes once the bid (which references it) is gone.
            """
            CREATE TRIGGER bids_keys_write BEFORE INSERT OR UPDATE ON bids
            FOR EACH ROW EXECUTE FUNCTION bidforge_bid_keys()
            """,
            "CREATE TRIGGER bids_keys_delete AFTER DELETE ON bids FOR EACH ROW EXECUTE FUNCTION bidforge_bid_keys()"
        ] {
            try await sql.raw(statement).run()
        }
    }

    /// The trigger function that keeps `bid_keys`: `live` always, `counted` too from M027 on (`counting`).
    static func keysFunction(counting: Bool) -> SQLQueryString {
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

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        let sql = db.sql
        for statement: SQLQueryString in [
            "CREATE TABLE bids_plain (LIKE bids INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
            "INSERT INTO bids_plain SELECT * FROM bids",
            "ALTER TABLE bid_revisions DROP CONSTRAINT IF EXISTS bid_revisions_bid_id_fkey",
            "DROP TABLE bids",
            "DROP FUNCTION IF EXISTS bidforge_bid_keys()",
            "DROP TABLE bid_keys",
            "ALTER TABLE bids_plain RENAME TO bids",
            "ALTER TABLE bids ADD CONSTRAINT bids_pkey PRIMARY KEY (id)",
            "ALTER TABLE bids ADD CONSTRAINT bids_project_id_fkey FOREIGN KEY (project_id) REFERENCES projects (id)",
            "ALTER TABLE bids ADD CONSTRAINT bids_company_id_fkey FOREIGN KEY (company_id) REFERENCES companies (id)",
            "ALTER TABLE bid_revisions ADD CONSTRAINT bid_revisions_bid_id_fkey FOREIGN KEY (bid_id) REFERENCES bids (id)",
            "CREATE UNIQUE INDEX bids_one_live_per_company ON bids (project_id, company_id) WHERE status = 'SUBMITTED'",
            "CREATE INDEX bids_company_created_idx ON bids (company_id, created_at)",
            "CREATE INDEX bids_project_id_status_idx ON bids (project_id, status)"
        ] {
            try await sql.raw(statement).run()
        }
    }
}

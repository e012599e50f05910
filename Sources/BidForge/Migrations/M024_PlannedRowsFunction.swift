import Fluent
import SQLKit

/// `bidforge_planned_rows(query)`: the planner's row estimate for a query, read from its `EXPLAIN`. A statement that
/// needs an estimate only in some cases (a listing's total past the exact count) calls it inside the same statement,
/// so the estimate costs no round trip. PostgreSQL only. The query text is built by `PlannedRows.call`, which quotes
/// every value with `format('%L')`: no caller's text ever becomes SQL. The function runs whatever text it gets, so
/// EXECUTE on it is revoked from PUBLIC (the owner, BidForge's database role, keeps it).
struct M024_AddPlannedRowsFunction: AsyncMigration {
    func prepare(on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw(
            """
            CREATE FUNCTION bidforge_planned_rows(query text) RETURNS bigint LANGUAGE plpgsql AS $$
            DECLARE plan json;
            BEGIN
              EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
              RETURN round((plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric);
            END
            $$
            """
        ).run()
        // It runs the text it is given: only the role that made it (BidForge's own) may call it.
        try await db.sql.raw("REVOKE ALL ON FUNCTION bidforge_planned_rows(text) FROM PUBLIC").run()
    }

    func revert(on db: any Database) async throws {
        guard db.isPostgres else { return }
        try await db.sql.raw("DROP FUNCTION IF EXISTS bidforge_planned_rows(text)").run()
    }
}

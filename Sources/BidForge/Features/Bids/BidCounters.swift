import BidForgeCore
import Fluent
import Foundation
import SQLKit

/// How many bids a company submitted in a UTC calendar month (withdrawn ones included: they used the allowance).
enum BidCounters {
    /// Counts one more bid for the company this month, in the caller's transaction; returns the month's count with it.
    static func increment(_ companyId: UUID, at now: Date, on db: any Database) async throws -> Int {
        let month = CalendarMonth.key(of: now)
        let row = try await db.sql.raw(
            """
            INSERT INTO company_bid_months (company_id, month, bids) VALUES (\(bind: companyId), \(bind: month), 1)
            ON CONFLICT (company_id, month) DO UPDATE SET bids = company_bid_months.bids + 1 RETURNING bids
            """
        ).first()
        return try row?.decode(column: "bids", as: Int.self) ?? 1
    }

    /// The company's bids this month.
    static func count(_ companyId: UUID, at now: Date, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw(
            """
            SELECT bids FROM company_bid_months WHERE company_id = \(bind: companyId) \
            AND month = \(bind: CalendarMonth.key(of: now))
            """
        ).first()
        return try row?.decode(column: "bids", as: Int.self) ?? 0
    }

    /// Recounts every company's months from the bids themselves (the migration; the seeder after a bulk load).
    static func rebuild(on db: any Database) async throws {
        let month: SQLQueryString =
            db.isPostgres
            ? "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')" : "strftime('%Y-%m', created_at, 'unixepoch')"
        try await db.sql.raw("DELETE FROM company_bid_months").run()
        try await db.sql.raw(
            "INSERT INTO company_bid_months (company_id, month, bids) SELECT company_id, " + month
                + ", COUNT(*) FROM bids GROUP BY company_id, " + month
        ).run()
    }
}

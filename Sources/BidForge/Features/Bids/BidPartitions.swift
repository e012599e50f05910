import Fluent
import Foundation
import SQLKit

/// Bids are partitioned by the year of `created_at` on PostgreSQL (M025; SQLite keeps one table). A bid is never older
/// than its project, so every read of one project's bids is bounded below by the project's `created_at`: the planner
/// skips the years before it. Years are created `yearsAhead` ahead of the clock, by the migration, by `bidforge
/// maintain`, and hourly by every serving instance.
enum BidPartitions {
    static let table = "bids"
    static let yearsAhead = 2

    /// `bid_count` of the project `p` in a statement over projects: its bids that are not withdrawn. On PostgreSQL read
    /// from the bids' keys (one unpartitioned partial index, M027), never from the yearly partitions.
    static func countColumn(postgres: Bool) -> SQLQueryString {
        postgres
            ? "(SELECT COUNT(*) FROM bid_keys k WHERE k.project_id = p.id AND k.counted) AS bid_count"
            : "(SELECT COUNT(*) FROM bids b WHERE b.project_id = p.id AND b.status <> 'WITHDRAWN') AS bid_count"
    }

    /// One project's bids, bounded to the years the project can have bids in.
    static func bids(of project: ProjectModel, on db: any Database) throws -> QueryBuilder<BidModel> {
        BidModel.query(on: db).filter(\.$projectId == (try project.requireID())).filter(
            \.$createdAt >= project.createdAt)
    }

    /// Creates this year's partition and the next `yearsAhead` where missing; returns the ones it created.
    @discardableResult
    static func ensureAhead(now: Date, on db: any Database) async throws -> [String] {
        try await ensure(from: now, on: db, now: now)
    }

    /// Creates the partitions from `earliest`'s year through `yearsAhead` past `now` (a bulk load of older bids).
    @discardableResult
    static func ensure(from earliest: Date, on db: any Database, now: Date) async throws -> [String] {
        guard db.isPostgres else { return [] }
        let first = YearlyPartitions.year(of: min(earliest, now)), last = YearlyPartitions.year(of: now) + yearsAhead
        return try await YearlyPartitions.ensure(table, years: first...last, on: db.sql)
    }
}

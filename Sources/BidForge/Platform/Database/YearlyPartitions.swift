import Foundation
import SQLKit

/// Yearly range partitions of a PostgreSQL table partitioned by a `timestamptz` column: `<table>_y<year>` holds
/// [1 January of year, 1 January of year + 1) in UTC. There is no default partition: it could never be pruned by a
/// lower bound (every read would scan it), and a new year could not be added while it held rows of that year.
/// Maintenance creates years ahead instead; a row no year holds is refused, never put somewhere it cannot be found.
enum YearlyPartitions {
    static func name(_ table: String, year: Int) -> String { "\(table)_y\(year)" }

    /// Creates the partitions for `years` that do not exist yet; returns the names it created.
    @discardableResult
    static func ensure(_ table: String, years: ClosedRange<Int>, on sql: any SQLDatabase) async throws -> [String] {
        let existing = Set(try await self.years(table, on: sql))
        var created: [String] = []
        for year in years where !existing.contains(year) {
            try await sql.raw(
                """
                CREATE TABLE IF NOT EXISTS \(ident: name(table, year: year)) PARTITION OF \(ident: table) \
                FOR VALUES FROM (\(unsafeRaw: "'\(year)-01-01 00:00:00+00'")) TO (\(unsafeRaw: "'\(year + 1)-01-01 00:00:00+00'"))
                """
            ).run()
            created.append(name(table, year: year))
        }
        return created
    }

    /// The years that have a partition, oldest first.
    static func years(_ table: String, on sql: any SQLDatabase) async throws -> [Int] {
        try await sql.raw(
            """
            SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
            WHERE i.inhparent = \(bind: table)::regclass
            """
        ).all().compactMap { row in
            let name = try row.decode(column: "name", as: String.self)
            return name.hasPrefix(table + "_y") ? Int(name.dropFirst(table.count + 2)) : nil
        }.sorted()
    }

    static func year(of date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.component(.year, from: date)
    }
}

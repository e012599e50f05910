import Fluent
import Foundation
import SQLKit

/// Moves finished projects — AWARDED or CANCELLED before a cut-off — with everything that hangs off them into the
/// `archived_*` tables (PostgreSQL), in batches: each batch is one transaction that moves every row of its projects,
/// table by table, in one statement each (`DELETE … RETURNING` feeding `INSERT`) that counts the rows it deleted and the
/// rows it archived: any difference rolls the batch back. No row of a batch can be left behind: its projects are locked
/// `FOR UPDATE`, so nothing new can reference them, and every table reaches `projects` through a foreign key, so a row
/// left in any of them would refuse its parent's delete. A kill loses at most the batch in flight, which rolls back
/// whole: a rerun goes on from there, and nothing is moved twice (the archive tables' primary keys would refuse it).
/// `project_trades` (the listing's index of a project's trades) is not archived: it goes with the project.
enum ProjectArchive {
    /// What hangs off a batch of projects, children before parents (the order they are moved in), and how to find
    /// each table's rows of the batch (`$ids`: the projects' ids).
    static let tables: [(table: String, rows: String)] = [
        ("document_downloads", "project_id = ANY($ids)"),
        ("conversation_reads", "conversation_id IN (SELECT id FROM conversations WHERE project_id = ANY($ids))"),
        ("messages", "conversation_id IN (SELECT id FROM conversations WHERE project_id = ANY($ids))"),
        ("conversations", "project_id = ANY($ids)"),
        ("documents", "project_id = ANY($ids)"),
        ("bid_revisions", "bid_id IN (SELECT id FROM bids WHERE project_id = ANY($ids))"),
        ("bids", "project_id = ANY($ids)"),
        ("questions", "project_id = ANY($ids)"),
        ("invitations", "project_id = ANY($ids)"),
        ("bid_due_reminders", "project_id = ANY($ids)"),
        ("projects", "id = ANY($ids)")
    ]
    static let finished = "status IN ('AWARDED', 'CANCELLED')"

    struct Report: Sendable {
        var projects = 0
        var rows: [String: Int] = [:]
        var batches = 0
        var bids: Int { rows["bids"] ?? 0 }
    }

    struct Mismatch: Error, CustomStringConvertible {
        let table: String
        let deleted: Int
        let archived: Int
        var description: String {
            "\(table): \(deleted) rows were deleted but \(archived) archived; the batch was rolled back"
        }
    }

    /// What an archive run with this cut-off would move, counted without moving anything.
    static func preview(before cutoff: Date, on db: any Database) async throws -> Report {
        let sql = db.sql
        var report = Report()
        let ids = try await sql.raw(
            "SELECT id FROM projects WHERE \(unsafeRaw: finished) AND updated_at < \(bind: cutoff)"
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
        report.projects = ids.count
        for (table, rows) in tables {
            report.rows[table] = try await count(table, rows, ids: ids, on: sql)
        }
        return report
    }

    /// Archives every project finished before `cutoff`, `batchSize` projects a transaction; `progress` hears after
    /// each batch, and `moved` is told which projects left (cache invalidation).
    static func run(
        before cutoff: Date, batchSize: Int, on db: any Database,
        moved: @escaping @Sendable ([UUID]) async -> Void = { _ in },
        progress: @escaping @Sendable (Report) -> Void = { _ in }
    ) async throws -> Report {
        var report = Report()
        let columns = try await liveColumns(on: db.sql)
        while true {
            let batch = try await db.transaction { tx -> (ids: [UUID], rows: [String: Int]) in
                let sql = tx.sql
                // SKIP LOCKED: a project someone is changing right now waits for the next run.
                let ids = try await sql.raw(
                    """
                    SELECT id FROM projects WHERE \(unsafeRaw: finished) AND updated_at < \(bind: cutoff) \
                    ORDER BY updated_at, id LIMIT \(bind: batchSize) FOR UPDATE SKIP LOCKED
                    """
                ).all().map { try $0.decode(column: "id", as: UUID.self) }
                guard !ids.isEmpty else { return ([], [:]) }
                var rows: [String: Int] = [:]
                for (table, condition) in tables {
                    let (deleted, archived) = try await move(
                        table, condition, ids: ids, columns: columns[table] ?? [], on: sql)
                    guard deleted == archived else {
                        throw Mismatch(table: table, deleted: deleted, archived: archived)
                    }
                    rows[table] = archived
                }
                return (ids, rows)
            }
            guard !batch.ids.isEmpty else { break }
            report.projects += batch.ids.count
            report.batches += 1
            for (table, n) in batch.rows { report.rows[table, default: 0] += n }
            await moved(batch.ids)
            progress(report)
        }
        return report
    }

    /// Each live table's columns, by name: the archive copy names them, so a column order that drifted between a
    /// live table and its archive cannot put a value in the wrong column, and a missing one fails the first batch.
    static func liveColumns(on sql: any SQLDatabase) async throws -> [String: [String]] {
        var columns: [String: [String]] = [:]
        for (table, _) in tables {
            columns[table] = try await sql.raw(
                """
                SELECT column_name FROM information_schema.columns \
                WHERE table_schema = current_schema() AND table_name = \(bind: table) ORDER BY ordinal_position
                """
            ).all().map { try $0.decode(column: "column_name", as: String.self) }
        }
        return columns
    }

    static func condition(_ rows: String, ids: [UUID]) -> SQLQueryString {
        let parts = rows.components(separatedBy: "$ids")
        var out = SQLQueryString(parts[0])
        for part in parts.dropFirst() { out = out + "\(bind: ids)" + SQLQueryString(part) }
        return out
    }

    static func count(_ table: String, _ rows: String, ids: [UUID], on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("SELECT count(*) AS n FROM \(ident: table) WHERE " + condition(rows, ids: ids)).first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    /// Deletes the batch's rows of `table` and inserts the very rows deleted into its archive, in one statement:
    /// how many it deleted, and how many it archived.
    static func move(_ table: String, _ rows: String, ids: [UUID], columns: [String], on sql: any SQLDatabase)
        async throws -> (deleted: Int, archived: Int)
    {
        let list = SQLList(columns.map { SQLIdentifier($0) })
        let statement: SQLQueryString =
            "WITH gone AS (DELETE FROM \(ident: table) WHERE " + condition(rows, ids: ids)
            + " RETURNING *), kept AS (INSERT INTO \(ident: "archived_" + table) (\(list)) SELECT \(list) FROM gone "
            + "RETURNING 1) SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM kept) AS archived"
        let row = try await sql.raw(statement).first()
        return (
            try row?.decode(column: "deleted", as: Int.self) ?? 0,
            try row?.decode(column: "archived", as: Int.self) ?? 0
        )
    }

    /// `2y`, `18m`, `30d` → the moment that long before `now`.
    static func cutoff(_ text: String, now: Date) -> Date? {
        guard let unit = text.last, let amount = Int(text.dropLast()), amount >= 0 else { return nil }
        // Past a thousand years nothing is finished yet (and the calendar's arithmetic overflows on absurd amounts).
        let units: [Character: (component: Calendar.Component, limit: Int)] = [
            "y": (.year, 1_000), "m": (.month, 12_000), "d": (.day, 366_000)
        ]
        guard let (component, limit) = units[unit], amount <= limit else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: component, value: -amount, to: now)
    }
}

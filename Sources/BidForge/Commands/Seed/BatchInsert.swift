import SQLKit

/// Collects rows and writes them as multi-row INSERTs, staying under both databases' bind-parameter limits.
final class BatchInsert {
    private let sql: any SQLDatabase
    private let table: String
    private let columns: [String]
    private let rowsPerStatement: Int
    private var rows: [[any SQLExpression]] = []
    private(set) var inserted = 0

    init(_ sql: any SQLDatabase, table: String, columns: [String]) {
        self.sql = sql
        self.table = table
        self.columns = columns
        // SQLite allows 32,766 parameters a statement, PostgreSQL 65,535.
        self.rowsPerStatement = max(1, 30_000 / columns.count)
    }

    func add(_ values: [any Encodable & Sendable]) async throws {
        precondition(values.count == columns.count, "\(table): \(values.count) values for \(columns.count) columns")
        rows.append(values.map { SQLBind($0) })
        if rows.count >= rowsPerStatement { try await flush() }
    }

    func flush() async throws {
        guard !rows.isEmpty else { return }
        var builder = sql.insert(into: table).columns(columns)
        for row in rows { builder = builder.values(row) }
        try await builder.run()
        inserted += rows.count
        rows.removeAll(keepingCapacity: true)
    }
}

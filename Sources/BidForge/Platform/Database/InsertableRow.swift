import Fluent
import SQLKit

/// A model that lists its own columns, so a hot path inserts it with one SQLKit statement instead of Fluent's
/// `create`, which walks the model's properties by reflection several times per row (a fifth of a bid's server CPU
/// in the release profile). `InsertableRowTests` checks every list against the model's Fluent fields. Fluent's model
/// middleware does not run for these rows: what they change in the cache is named by the events recorded with them.
protocol InsertableRow: Model {
    /// Every column and its value, `id` included unless the database makes it.
    var row: [(column: String, value: any Encodable & Sendable)] { get throws }
}

extension Database {
    /// Inserts the rows in one statement (they must list the same columns); the models are not marked as stored, so
    /// a later `save` would insert again — these are written once.
    func insert<M: InsertableRow>(_ models: [M]) async throws {
        try await insertStatement(models)?.run()
    }

    func insert<M: InsertableRow>(_ model: M) async throws { try await insert([model]) }

    /// Inserts the rows no unique index already holds (`ON CONFLICT DO NOTHING`) and returns the ids of those it
    /// inserted: a write that must happen once checks and writes in one statement.
    func insertSkippingDuplicates<M: InsertableRow>(_ models: [M]) async throws -> Set<M.IDValue> {
        guard let insert = try insertStatement(models) else { return [] }
        let rows = try await insert.ignoringConflicts().returning("id").all()
        return Set(try rows.map { try $0.decode(column: "id", as: M.IDValue.self) })
    }

    /// One INSERT of every row (nil for none).
    private func insertStatement<M: InsertableRow>(_ models: [M]) throws -> SQLInsertBuilder? {
        guard let first = models.first else { return nil }
        let insert = sql.insert(into: M.schema).columns(try first.row.map(\.column))
        for model in models { insert.values(try model.row.map { SQLBind($0.value) }) }
        return insert
    }
}

import Fluent
import SQLKit

/// A model that lists its own stored properties, so a hot path reads a row into it without Fluent's generic decoding,
/// which enumerates the model's properties by reflection for every row (40 % of an uncached listing's CPU in the
/// release profile). Each property still decodes its own column exactly as Fluent does, and the model is marked as
/// stored, so it saves and updates like any fetched model. `ReadableRowTests` checks every list against the model's
/// Fluent fields.
protocol ReadableRow: Model {
    /// Every stored property (`$id`, `$title` …).
    var storedProperties: [any AnyDatabaseProperty] { get }
}

extension SQLRow {
    /// The row as `M`, read property by property.
    func decodeRow<M: ReadableRow>(_ type: M.Type) throws -> M {
        let model = M()
        let output = SQLRowOutput(row: self)
        for property in model.storedProperties { try property.output(from: output) }
        return model
    }
}

extension SQLRow {
    /// `decodeRow` for a model that lists its properties, else Fluent's own decoding.
    func decodeModel<M: Model>(_ type: M.Type) throws -> M {
        if let readable = M.self as? any ReadableRow.Type, let model = try decodeRow(readable) as? M { return model }
        return try decode(fluentModel: M.self)
    }
}

/// One SQL row as Fluent's `DatabaseOutput`: columns by field key, as FluentSQL reads them.
struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow

    var description: String { "\(row)" }
    func schema(_ schema: String) -> any DatabaseOutput { self }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: key.description) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: key.description) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T {
        try row.decode(column: key.description, as: T.self)
    }
}

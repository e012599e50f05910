import Fluent
import Foundation
import PostgresNIO
import SQLKit

/// PostgresNIO's own rows for an SQLKit statement, so a hot read decodes each column by its concrete type:
/// SQLKit's generic `decode(column:as:)` looks up type metadata and conformances for every column of every row
/// (17 % of an uncached listing's CPU in the release profile). Everything else reads through SQLKit.
struct PostgresRows: Sendable {
    let rows: [PostgresRandomAccessRow]

    enum Problem: Error, CustomStringConvertible {
        case unsupportedBind(String)
        case missingColumn(String)
        case unexpectedValue(column: String, value: String)

        var description: String {
            switch self {
            case .unexpectedValue(let column, let value): "PostgresRows: \(column) holds an unexpected value \(value)"
            case .unsupportedBind(let type): "PostgresRows: a bind of type \(type) has no PostgreSQL encoding here"
            case .missingColumn(let name): "PostgresRows: the statement returned no column \(name)"
            }
        }
    }

    /// The statement's rows, or nil when `db` is not PostgreSQL.
    static func fetch(_ statement: SQLQueryString, on db: any Database) async throws -> PostgresRows? {
        guard db.isPostgres, let postgres = db as? any PostgresDatabase else { return nil }
        var serializer = SQLSerializer(database: db.sql)
        statement.serialize(to: &serializer)
        var bindings = PostgresBindings(capacity: serializer.binds.count)
        for bind in serializer.binds {
            switch bind {
            case let value as String: bindings.append(value)
            case let value as UUID: bindings.append(value)
            case let value as Date: bindings.append(value)
            case let value as Int: bindings.append(value)
            case let value as Int64: bindings.append(value)
            case let value as Bool: bindings.append(value)
            default: throw Problem.unsupportedBind(String(describing: type(of: bind)))
            }
        }
        let query = PostgresQuery(unsafeSQL: serializer.sql, binds: bindings)
        let logger = db.logger
        // Logged as SQLKit logs the statements it runs, at the database's query log level.
        if let level = db.sql.queryLogLevel {
            logger.log(level: level, "\(serializer.sql)", metadata: ["binds": "\(serializer.binds.count)"])
        }
        let result = try await postgres.withConnection { $0.query(query, logger: logger) }.get()
        return PostgresRows(rows: result.rows.map { $0.makeRandomAccess() })
    }
}

extension PostgresRandomAccessRow {
    /// The column's value as `T` (a missing column throws instead of stopping the process).
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard contains(column) else { throw PostgresRows.Problem.missingColumn(column) }
        return try self[column].decode(T.self)
    }

    /// A text column as one of an enumeration's cases.
    func choice<E: RawRepresentable<String>>(_ column: String, _ type: E.Type) throws -> E {
        let raw = try value(column, as: String.self)
        guard let choice = E(rawValue: raw) else {
            throw PostgresRows.Problem.unexpectedValue(column: column, value: raw)
        }
        return choice
    }
}

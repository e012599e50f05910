import Fluent
import SQLKit
import AsyncKit
import PostgresNIO
import NIOCore

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }

    var isPostgres: Bool { (self as? any SQLDatabase)?.dialect.name == "postgresql" }

    /// A transaction for work that writes. On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up front,
    /// so two writers queue on the busy handler instead of failing when a read lock cannot be upgraded.
    /// On PostgreSQL it is an ordinary transaction; callers take row locks with `lockForUpdate`.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if isPostgres { return try await transaction(body) }
        return try await withConnection { connection in
            let sql = connection.sql
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Locks one row until the transaction ends (PostgreSQL). SQLite's write lock already serialises writers.
    func lockForUpdate(_ table: String, id: UUID) async throws {
        guard isPostgres else { return }
        try await sql.raw("SELECT 1 FROM \(ident: table) WHERE id = \(bind: id) FOR UPDATE").run()
    }
}

enum DatabaseErrors {
    /// Errors that mean "the database cannot be reached right now" and deserve a 503, not a 500.
    static func isUnavailable(_ error: Error) -> Bool {
        if error is ConnectionPoolTimeoutError || error is ConnectionPoolError { return true }
        if let psql = error as? PSQLError {
            switch psql.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                 .sslUnsupported, .failedToAddSSLHandler:
                return true
            default:
                return false
            }
        }
        if error is NIOConnectionError || error is ChannelError { return true }
        if let dbError = error as? any DatabaseError, dbError.isConnectionClosed { return true }
        return false
    }

    static func isUniqueViolation(_ error: Error) -> Bool {
        (error as? any DatabaseError)?.isConstraintFailure ?? false
    }
}

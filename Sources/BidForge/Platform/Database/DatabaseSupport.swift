import AsyncKit
import Fluent
import NIOCore
import PostgresNIO
import SQLKit
import Vapor

extension SQLDatabase {
    var isPostgres: Bool { dialect.name == "postgresql" }
}

extension Database {
    var sql: any SQLDatabase { self as! any SQLDatabase }

    var isPostgres: Bool { (self as? any SQLDatabase)?.isPostgres ?? false }

    /// A transaction for work that writes; use it through `Request.write` / `Application.write`.
    /// On SQLite it starts with `BEGIN IMMEDIATE`, taking the write lock up front, so a read lock never has to be
    /// upgraded mid-transaction (which fails at once in WAL mode). On PostgreSQL it is an ordinary transaction;
    /// callers take row locks with `lockForUpdate`.
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

    /// The row `id` names, read and locked until the transaction ends in one statement (`FOR UPDATE`, or `FOR SHARE`
    /// where writers of other rows may proceed together); nil when there is none. On SQLite, whose write lock already
    /// serialises writers, a plain read.
    func locked<M: Model>(_ type: M.Type, id: UUID, forShare: Bool = false) async throws -> M? where M.IDValue == UUID {
        let lock: SQLQueryString = !isPostgres ? "" : forShare ? " FOR SHARE" : " FOR UPDATE"
        let statement: SQLQueryString = "SELECT * FROM \(ident: M.schema) WHERE id = \(bind: id)" + lock
        return try await sql.raw(statement).first()?.decodeModel(M.self)
    }

    /// The row `id` names in one statement, without the query builder's reflection over the model (hot paths).
    func row<M: Model>(_ type: M.Type, id: UUID) async throws -> M? where M.IDValue == UUID {
        try await sql.raw("SELECT * FROM \(ident: M.schema) WHERE id = \(bind: id)").first()?.decodeModel(M.self)
    }

    /// Locks one row until the transaction ends (PostgreSQL), when the row itself is not needed.
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
            case .server:
                // Said by a server that cannot serve now, or by PgBouncer for one: connection exceptions (class 08,
                // PgBouncer's "server login has been failing"), shutting down or starting up (57P01-03), too many
                // connections (53300).
                let state = psql.serverInfo?[.sqlState] ?? ""
                return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "53300"].contains(state)
            default:
                return false
            }
        }
        if error is NIOConnectionError || error is ChannelError { return true }
        if let dbError = error as? any DatabaseError, dbError.isConnectionClosed { return true }
        return false
    }

    /// Raised by the database or the way to it (as opposed to a rule of the application's).
    static func isFromDatabase(_ error: Error) -> Bool {
        error is PSQLError || error is any DatabaseError || isUnavailable(error)
    }

    static func isUniqueViolation(_ error: Error) -> Bool {
        (error as? any DatabaseError)?.isConstraintFailure ?? false
    }
}

/// One writer at a time on SQLite, waiting asynchronously. sqlite-nio's busy handler retries on a thread-pool
/// thread; with two writers spinning there, the one holding the lock can get no thread to finish on, and every
/// request stalls until the pool times out. Queuing writers here keeps the threads free.
actor WriteGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        } else {
            busy = true
        }
        defer { release() }
        return try await body()
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

extension Application {
    private struct WriteGateKey: StorageKey { typealias Value = WriteGate }

    var writeGate: WriteGate {
        if let gate = storage[WriteGateKey.self] { return gate }
        let gate = WriteGate()
        storage[WriteGateKey.self] = gate
        return gate
    }

    /// Runs `body` in a write transaction on `db`: the one way BidForge changes data. After a commit that recorded
    /// events the outbox dispatcher is nudged (only then: its own writes would otherwise wake it forever).
    func write<T: Sendable>(
        on db: any Database, consistency: ConsistencySession? = nil,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let touches = CacheTouches()
        // Bound inside the transaction's closure: the drivers may run it in a task of their own.
        let touching: @Sendable (any Database) async throws -> T = { db in
            try await CacheTouches.$current.withValue(touches) { try await body(db) }
        }
        let result: T
        if db.isPostgres {
            result = try await db.writeTransaction(touching)
        } else {
            result = try await writeGate.withLock { try await db.writeTransaction(touching) }
        }
        // Committed: the caller's reads must now find it (on the primary, or a replica that replayed this far)…
        await readRouting?.recordCommit(on: db, session: consistency)
        // …and what it changed must not be read from the cache from now on (before the response leaves).
        await cache?.invalidate(touches.touched)
        if touches.recordedEvents { outboxIfConfigured?.nudge() }
        return result
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await write(on: db, body)
    }
}

extension Request {
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await application.write(on: db, consistency: consistency, body)
    }
}

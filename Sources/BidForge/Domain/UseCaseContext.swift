import Fluent
import Vapor

/// What a use case runs against besides its input and its caller: the databases (the primary with its one write
/// path, and the replicas reads may use), and the clock. Adapters (API controllers, pages, jobs) build one; nothing
/// below them sees a `Request`.
struct UseCaseContext: Sendable {
    /// The primary's handle, made when asked for: a request that never reaches the database (a cache hit) does not
    /// pay for one (it showed in the cached listing's profile).
    var db: any Database { primary() }
    private let primary: @Sendable () -> any Database
    let clock: AppClock
    let host: any UseCaseHost
    /// The request's read-your-writes state (nil outside requests, and without replicas).
    let consistency: ConsistencySession?
    /// A replica's handle, by its id (bound to the request's event loop when there is one).
    let replica: @Sendable (DatabaseID) -> any Database

    init(
        db: @escaping @autoclosure @Sendable () -> any Database, clock: AppClock, host: any UseCaseHost,
        consistency: ConsistencySession? = nil,
        replica: @escaping @Sendable (DatabaseID) -> any Database = { _ in fatalError("no replicas configured") }
    ) {
        primary = db
        self.clock = clock
        self.host = host
        self.consistency = consistency
        self.replica = replica
    }

    var now: Date { clock.now() }

    /// A write transaction: committed together with the events it records; the cached reads it touched are
    /// invalidated before it returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await host.write(on: db, consistency: consistency, body)
    }

    /// Runs a read that needs `need` on the primary, or on a replica that has what it needs. A replica that fails
    /// the read (gone, restarting, a query cancelled by recovery) is set aside until its next poll, and the read runs
    /// again on the primary: reads are safe to repeat, so a replica's failure costs time, not an error.
    func read<T: Sendable>(_ need: ReadConsistency, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
    {
        guard let routing = host.readRouting,
            let chosen = await routing.replica(for: need, session: consistency, primary: db)
        else { return try await body(db) }
        do {
            return try await body(replica(chosen.id))
        } catch  where DatabaseErrors.isFromDatabase(error) {
            routing.replicaFailed(chosen, error)
            return try await body(db)
        }
    }

    /// `need` bound to this context, for code that reads more than once (a cache's builds).
    func reads(_ need: ReadConsistency) -> DatabaseReads { DatabaseReads(context: self, need: need) }
}

/// A read's declared consistency with the context that runs it.
struct DatabaseReads: Sendable {
    let context: UseCaseContext
    let need: ReadConsistency

    func run<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await context.read(need, body)
    }
}

/// What use cases need of the running application: write transactions (cache invalidation and the outbox nudge
/// after each commit) and the work that follows a commit outside the database.
protocol UseCaseHost: Sendable {
    func write<T: Sendable>(
        on db: any Database, consistency: ConsistencySession?,
        _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T
    /// Where reads may go besides the primary (nil without replicas).
    var readRouting: ReadRouting? { get }
    /// Deletes stored files that a committed change left without an owner (a deleted or replaced draft document).
    func sweepStoredObjects(_ ids: [UUID], now: Date) async throws
    /// Wakes the image worker (a new image to make display and thumbnail versions of).
    func nudgeDerivatives()
    /// The settings the application was configured with.
    var settings: Settings { get }
    /// Password hashing (bcrypt, off the event loops).
    func hashPassword(_ password: String) async throws -> String
    func verifyPassword(_ password: String, hash: String) async throws -> Bool
    /// A real hash at the configured cost, checked for unknown emails so they cost as much time as a wrong password.
    var decoyPasswordHash: String { get }
}

extension Application: UseCaseHost {
    func sweepStoredObjects(_ ids: [UUID], now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await StoredObjectCleanup.sweep(self, now: now, only: ids)
    }

    func nudgeDerivatives() { derivatives.nudge() }

    func hashPassword(_ password: String) async throws -> String { try await self.password.async.hash(password) }

    func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await self.password.async.verify(password, created: hash)
    }
}

extension Application {
    /// The context for use cases run outside a request (scheduled jobs, commands, tests).
    var useCases: UseCaseContext {
        UseCaseContext(db: self.db, clock: clock, host: self, replica: { id in self.db(id) })
    }
}

extension Request {
    /// The context for the use cases this request runs.
    var useCases: UseCaseContext {
        UseCaseContext(
            db: self.db, clock: application.clock, host: application, consistency: consistency,
            replica: { [self] id in self.db(id) })
    }
}

/// A use case's answer: its result and the events it recorded (already in the outbox, committed with the change).
struct Outcome<Value: Sendable>: Sendable {
    let value: Value
    let events: [DomainEvent]
}

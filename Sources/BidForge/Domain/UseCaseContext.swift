import Fluent
import Vapor

/// What a use case runs against besides its input and its caller: the database with its one write path, and the
/// clock. Adapters (API controllers, pages, jobs) build one; nothing below them sees a `Request`.
struct UseCaseContext: Sendable {
    let db: any Database
    let clock: AppClock
    let host: any UseCaseHost

    var now: Date { clock.now() }

    /// A write transaction: committed together with the events it records; the cached reads it touched are
    /// invalidated before it returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await host.write(on: db, body)
    }
}

/// What use cases need of the running application: write transactions (cache invalidation and the outbox nudge
/// after each commit) and the work that follows a commit outside the database.
protocol UseCaseHost: Sendable {
    func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
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
    var useCases: UseCaseContext { UseCaseContext(db: db, clock: clock, host: self) }
}

extension Request {
    /// The context for the use cases this request runs.
    var useCases: UseCaseContext { UseCaseContext(db: db, clock: application.clock, host: application) }
}

/// A use case's answer: its result and the events it recorded (already in the outbox, committed with the change).
struct Outcome<Value: Sendable>: Sendable {
    let value: Value
    let events: [DomainEvent]
}

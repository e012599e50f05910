import Fluent
import Vapor

/// What a use case runs against besides its input and its caller: the database with its one write path, and the
/// clock. Adapters (API controllers, pages, jobs) build one; nothing below them sees a `Request`.
struct UseCaseContext: Sendable {
    let db: any Database
    let clock: AppClock
    let transactions: any TransactionRunner

    var now: Date { clock.now() }

    /// A write transaction: committed together with the events it records; the cached reads it touched are
    /// invalidated before it returns.
    func write<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await transactions.write(on: db, body)
    }
}

/// Runs write transactions (the application: cache invalidation and the outbox nudge after each commit).
protocol TransactionRunner: Sendable {
    func write<T: Sendable>(on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T)
        async throws -> T
}

extension Application: TransactionRunner {}

extension Application {
    /// The context for use cases run outside a request (scheduled jobs, commands, tests).
    var useCases: UseCaseContext { UseCaseContext(db: db, clock: clock, transactions: self) }
}

extension Request {
    /// The context for the use cases this request runs.
    var useCases: UseCaseContext { UseCaseContext(db: db, clock: application.clock, transactions: application) }
}

/// A use case's answer: its result and the events it recorded (already in the outbox, committed with the change).
struct Outcome<Value: Sendable>: Sendable {
    let value: Value
    let events: [DomainEvent]
}

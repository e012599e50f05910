import Fluent
import Foundation
import NIOConcurrencyHelpers

/// What a write transaction touched. `Application.write` binds one for the transaction; the events it records and the
/// rows it writes (`CacheTouchingMiddleware`) name the scopes they change, and once the
/// transaction has committed — before the response leaves — those scopes move to new generations. A reader that
/// starts after the writer's response therefore never gets the old value.
final class CacheTouches: Sendable {
    private let scopes = NIOLockedValueBox<Set<String>>([])
    private let events = NIOLockedValueBox(false)

    @TaskLocal static var current: CacheTouches?

    static func touch(_ scopes: [String]) {
        guard let current, !scopes.isEmpty else { return }
        current.scopes.withLockedValue { $0.formUnion(scopes) }
    }

    var touched: Set<String> { scopes.withLockedValue { $0 } }

    /// The transaction recorded an outbox event (so the dispatcher has work once it commits).
    static func recordedEvent() { current?.events.withLockedValue { $0 = true } }

    var recordedEvents: Bool { events.withLockedValue { $0 } }
}

/// Rows written through Fluent name what they change, so a write path that records no event (a draft edited, a
/// company profile saved) still invalidates what it touched.
struct CacheTouchingMiddleware<M: Model>: AsyncModelMiddleware {
    let scopes: @Sendable (M) throws -> [String]

    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        CacheTouches.touch(try scopes(model))
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        CacheTouches.touch(try scopes(model))
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        CacheTouches.touch(try scopes(model))
    }
}

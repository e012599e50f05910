import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Consumes outbox events one at a time, oldest first: runs the consumer (registered in `configure`) and marks the event
/// dispatched in one transaction — so an effect happens exactly once even if the process dies midway — then publishes
/// the resulting deliveries on the bus. On PostgreSQL the event row is claimed with `FOR UPDATE SKIP LOCKED`, so
/// every instance can run a dispatcher without two of them taking the same event. An event whose consumers keep
/// failing is retried `maxAttempts` times, then parked (dispatched, with its last error) and logged.
final class OutboxDispatcher: Sendable {
    static let maxAttempts = 10
    static let pollInterval: Duration = .milliseconds(200)

    private let app: Application
    private let bus: any EventBus
    let consumer: any OutboxConsumer
    private let loop = WakeableLoop()
    /// One drain at a time per instance: concurrent callers queue instead of each holding a database connection.
    private let draining = WriteGate()
    private let rounds = NIOLockedValueBox(0)

    /// How many times the loop has drained since start (an idle instance: about one per `pollInterval`).
    var roundsRun: Int { rounds.withLockedValue { $0 } }

    init(app: Application, bus: any EventBus, consumer: any OutboxConsumer) {
        self.app = app
        self.bus = bus
        self.consumer = consumer
    }

    /// Events claimed and finished together: one transaction and one publish for a burst (40 bids on bid day).
    static let batchSize = 50

    /// Dispatches until nothing is pending. Tests call it after each request; the loop calls it when woken.
    func drain() async throws {
        try await draining.withLock { while try await self.dispatchBatch() {} }
    }

    /// Dispatches up to `batchSize` of the oldest pending events in one transaction: claimed in one statement, consumed
    /// in order, marked dispatched in one statement, their deliveries published together after the commit. False when
    /// nothing was pending. If a consumer fails, the batch rolls back and the same events go one at a time, so only
    /// the failing one is retried (and, in the end, parked).
    @discardableResult
    func dispatchBatch() async throws -> Bool {
        let now = app.clock.now()
        let deliveries: [Delivery]?
        do {
            deliveries = try await app.write { db in
                let events = try await Self.claim(limit: Self.batchSize, on: db)
                guard !events.isEmpty else { return nil }
                var deliveries: [Delivery] = []
                for event in events { deliveries += try await self.consumer.consume(event, on: db) }
                let ids: [SQLQueryString] = try events.map { "\(bind: try $0.requireID())" }
                try await db.sql.raw(
                    "UPDATE outbox_events SET dispatched_at = \(bind: now), attempts = attempts + 1 WHERE id IN ("
                        + ids.joined(separator: ", ") + ")"
                ).run()
                return deliveries
            }
        } catch  where !DatabaseErrors.isUnavailable(error) {
            for _ in 0..<Self.batchSize {
                guard try await dispatchNext() else { break }
            }
            return true
        }
        guard let deliveries else { return false }
        await bus.publish(deliveries)
        return true
    }

    /// Wakes the loop at once (after a commit that may have recorded events).
    func nudge() { loop.nudge() }

    /// Drains whenever nudged, and every `pollInterval` for events committed by other instances or before a crash.
    func start() {
        loop.start(every: Self.pollInterval) { [self] in
            rounds.withLockedValue { $0 += 1 }
            do { try await drain() } catch {
                app.logger.warning(
                    "outbox dispatch failed; retrying", metadata: ["error": .string(String(describing: error))])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    func stop() async { await loop.stop() }

    /// Dispatches the oldest pending event; false when there is none.
    @discardableResult
    func dispatchNext() async throws -> Bool {
        let now = app.clock.now()
        let claimed = NIOLockedValueBox<Int64?>(nil)
        do {
            let deliveries: [Delivery]? = try await app.write { db in
                guard let event = try await Self.claimNext(on: db) else { return nil }
                claimed.withLockedValue { $0 = event.id }
                let deliveries = try await self.consumer.consume(event, on: db)
                event.dispatchedAt = now
                event.attempts += 1
                try await event.update(on: db)
                return deliveries
            }
            guard let deliveries else { return false }
            await bus.publish(deliveries)
            return true
        } catch {
            // No event claimed, or the database itself failed: not the event's fault, let the loop retry later.
            guard let id = claimed.withLockedValue({ $0 }), !DatabaseErrors.isUnavailable(error) else { throw error }
            // The consumers' work rolled back with the transaction; the failure is recorded on its own.
            try await recordFailure(id, error: error, now: now)
            return true
        }
    }

    private func recordFailure(_ id: Int64, error: any Error, now: Date) async throws {
        let message = String(String(describing: error).prefix(1000))
        let parked = try await app.write { db -> Bool in
            guard let event = try await OutboxEventModel.find(id, on: db) else { return false }
            event.attempts += 1
            event.lastError = message
            if event.attempts >= Self.maxAttempts { event.dispatchedAt = now }
            try await event.update(on: db)
            return event.dispatchedAt != nil
        }
        app.logger.log(
            level: parked ? .error : .warning,
            parked ? "outbox event parked after repeated failures" : "outbox event failed; will retry",
            metadata: ["eventId": .stringConvertible(id), "error": .string(message)])
    }

    /// The oldest pending events, locked for this transaction (others skip them: each instance takes its own).
    static func claim(limit: Int, on db: any Database) async throws -> [OutboxEventModel] {
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.sql.raw(
            """
            SELECT * FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: lock)
            """
        ).all().map { try $0.decodeRow(OutboxEventModel.self) }
    }

    static func claimNext(on db: any Database) async throws -> OutboxEventModel? {
        let lock = db.isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let row = try await db.sql.raw(
            """
            SELECT * FROM outbox_events WHERE dispatched_at IS NULL ORDER BY id LIMIT 1\(unsafeRaw: lock)
            """
        ).first()
        return try row?.decodeRow(OutboxEventModel.self)
    }
}

extension JSONValue {
    /// Any encodable value as JSON (through the API's encoder, so dates look the same everywhere).
    static func from<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONCoding.decoder.decode(JSONValue.self, from: JSONCoding.encoder.encode(value))
    }
}

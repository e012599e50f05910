import Fluent
import Foundation

/// Acts on domain events once each, in the outbox dispatcher's transaction (notifications, realtime pushes).
protocol DomainEventConsumer: Sendable {
    func consume(_ event: DomainEvent, id: Int64, recordedAt: Date, on db: any Database) async throws -> [Delivery]
}

/// The outbox consumer of the application: decodes each row once and hands it to the consumers registered in
/// `configure`, in order.
struct DomainEventDispatch: OutboxConsumer {
    let consumers: [any DomainEventConsumer]

    func consume(_ row: OutboxEventModel, on db: any Database) async throws -> [Delivery] {
        let id = try row.requireID()
        let event = try JSONColumn.decode(DomainEvent.self, row.payload)
        var deliveries: [Delivery] = []
        for consumer in consumers {
            deliveries += try await consumer.consume(event, id: id, recordedAt: row.createdAt, on: db)
        }
        return deliveries
    }
}

extension DomainEvent {
    /// Records the event with `db`, so it commits (or rolls back) with the change that raised it; the cached reads it
    /// ends are invalidated when that transaction commits.
    func record(by companyId: UUID?, on db: any Database, now: Date) async throws {
        try await Outbox.append(type: wireName, payload: try JSONColumn.encode(self), by: companyId, on: db, now: now)
        CacheTouches.touch(payload.cacheScopes)
    }
}

import Fluent
import Foundation

/// The transactional outbox: what a change must cause elsewhere is stored as a row in the same transaction as the
/// change, and consumed after it commits (`OutboxDispatcher`). Platform code stores and moves rows; what an event
/// means is for the consumers the application registers.
enum Outbox {
    /// Appends an event with `db`, so it commits (or rolls back) with the change that raised it.
    static func append(type: String, payload: String, by companyId: UUID?, on db: any Database, now: Date) async throws
    {
        let row = OutboxEventModel()
        row.type = type
        row.companyId = companyId
        row.payload = payload
        row.createdAt = now
        row.attempts = 0
        try await db.insert(row)
        CacheTouches.recordedEvent()
    }
}

/// Acts on each outbox event once, inside the dispatcher's transaction; the deliveries it returns are published on
/// the bus after that transaction commits.
protocol OutboxConsumer: Sendable {
    func consume(_ event: OutboxEventModel, on db: any Database) async throws -> [Delivery]
}

import Fluent
import Foundation

/// The realtime consumer: an event's pushes as deliveries to every instance's sockets.
struct RealtimePushConsumer: DomainEventConsumer {
    func consume(_ event: DomainEvent, id: Int64, recordedAt: Date, on db: any Database) async throws -> [Delivery] {
        try event.pushDeliveries(eventId: id)
    }
}

extension DomainEvent {
    /// The event's pushes (its data to every user of the named companies); also rebuilt for a reconnecting client.
    func pushDeliveries(eventId: Int64) throws -> [Delivery] {
        try payload.pushes.filter { !$0.companyIds.isEmpty }.map {
            Delivery(eventId: eventId, type: $0.type, companyIds: $0.companyIds, data: $0.data)
        }
    }
}

import Fluent
import Foundation
import SQLKit

/// What a reconnecting client missed: the deliveries for this user from events after `since`, still within the
/// replay window, oldest first. Rebuilt from durable rows (notifications and dispatched outbox events), so nothing
/// depends on the bus having been up.
enum RealtimeReplay {
    static let window: TimeInterval = 24 * 3600
    static let maxDeliveries = 500

    static func deliveries(since: Int64, for session: RealtimeHub.Session, now: Date, on db: any Database) async throws
        -> [Delivery]
    {
        let notifications = try await NotificationModel.query(on: db)
            .filter(\.$companyId == session.companyId).filter(\.$eventId > since)
            .filter(\.$createdAt > now.addingTimeInterval(-window))
            .sort(\.$eventId).limit(maxDeliveries).all()
        var deliveries = try notifications.map { try Delivery.notificationCreated($0, eventId: $0.eventId ?? 0) }
        let events = try await OutboxEventModel.query(on: db)
            .filter(\.$id > since).filter(\.$dispatchedAt != nil)
            // Parked events (their consumers kept failing; logged then) delivered nothing, so there is nothing to replay.
            .group(.or) { $0.filter(\.$lastError == nil).filter(\.$attempts < OutboxDispatcher.maxAttempts) }
            .filter(\.$createdAt > now.addingTimeInterval(-window))
            .sort(\.$id).limit(maxDeliveries * 4).all()
        for event in events {
            let domain = try JSONColumn.decode(DomainEvent.self, event.payload)
            deliveries += try domain.pushDeliveries(eventId: try event.requireID()).filter {
                RealtimeHub.entitled(session, to: $0)
            }
        }
        return Array(deliveries.sorted { $0.eventId < $1.eventId }.prefix(maxDeliveries))
    }
}

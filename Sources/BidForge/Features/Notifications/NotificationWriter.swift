import Fluent
import Foundation
import SQLKit

enum NotificationType: String, Codable, Sendable, CaseIterable {
    case invitationReceived = "INVITATION_RECEIVED"
    case bidSubmitted = "BID_SUBMITTED"
    case bidRevised = "BID_REVISED"
    case bidWithdrawn = "BID_WITHDRAWN"
    case bidAccepted = "BID_ACCEPTED"
    case bidRejected = "BID_REJECTED"
    case projectAwarded = "PROJECT_AWARDED"
    case addendumIssued = "ADDENDUM_ISSUED"
    case questionAsked = "QUESTION_ASKED"
    case questionAnswered = "QUESTION_ANSWERED"
    case messageReceived = "MESSAGE_RECEIVED"
    case bidDueSoon = "BID_DUE_SOON"
    case bidDueChanged = "BID_DUE_CHANGED"
}

/// One notification to send to every user of some companies; carried inside a domain event.
struct NotificationDraft: Codable, Sendable, Equatable {
    var companyIds: [UUID]
    var type: NotificationType
    var title: String
    var body: String
    var data: [String: JSONValue]
}

/// The notifications consumer: an event's drafts become notification rows, one per company told (its users share it
/// and keep their own read state), and each row is pushed to that company's users. It runs in the dispatcher's
/// transaction and is idempotent by event id: an event delivered again creates nothing.
struct NotificationConsumer: DomainEventConsumer {
    func consume(_ event: DomainEvent, id: Int64, recordedAt: Date, on db: any Database) async throws -> [Delivery] {
        let rows = try await NotificationWriter.write(event.payload.notifications, eventId: id, on: db, now: recordedAt)
        return try rows.map { try Delivery.notificationCreated($0, eventId: id) }
    }
}

extension Delivery {
    /// The push that tells a company's users about a notification an event created (unread: it is new).
    static func notificationCreated(_ notification: NotificationModel, eventId: Int64) throws -> Delivery {
        Delivery(
            eventId: eventId, type: "notification.created", companyIds: [notification.companyId],
            data: try JSONValue.from(try NotificationDTO(notification, readAt: nil)))
    }
}

enum NotificationWriter {
    static func write(_ drafts: [NotificationDraft], eventId: Int64, on db: any Database, now: Date) async throws
        -> [NotificationModel]
    {
        var rows: [NotificationModel] = []
        var told: Set<UUID> = []
        for draft in drafts {
            let data = try JSONColumn.encode(draft.data)
            // One notification per company and event (the first draft naming it wins).
            for companyId in draft.companyIds where told.insert(companyId).inserted {
                let row = NotificationModel()
                row.id = UUID()
                row.companyId = companyId
                row.type = draft.type.rawValue
                row.title = String(draft.title.prefix(300))
                row.body = String(draft.body.prefix(2000))
                row.dataJSON = data
                row.createdAt = now
                row.eventId = eventId
                rows.append(row)
            }
        }
        // A company already told of this event (the unique event/company index) is skipped, not told twice: the
        // insert itself is the idempotency check. Batches keep each statement under SQLite's bind-variable limit.
        var inserted: Set<UUID> = []
        for start in stride(from: 0, to: rows.count, by: 500) {
            inserted.formUnion(try await db.insertSkippingDuplicates(Array(rows[start..<min(start + 500, rows.count)])))
        }
        return rows.filter { $0.id.map(inserted.contains) ?? false }
    }
}

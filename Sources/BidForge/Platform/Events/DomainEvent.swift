import Fluent
import Foundation

/// What happened, as recorded in the outbox.
enum DomainEventType: String, Codable, Sendable, CaseIterable {
    case bidSubmitted = "bid.submitted"
    case bidRevised = "bid.revised"
    case bidWithdrawn = "bid.withdrawn"
    case projectPublished = "project.published"
    case projectAwarded = "project.awarded"
    case projectUpdated = "project.updated"
    case addendumIssued = "addendum.issued"
    case questionAsked = "question.asked"
    case questionAnswered = "question.answered"
    case messageCreated = "message.created"
    case invitationCreated = "invitation.created"
    case bidDueSoon = "bid.due_soon"
}

/// A realtime push of the event's data to every user of some companies (`type` is what sockets receive).
struct Push: Codable, Sendable, Equatable {
    let type: String
    let companyIds: [UUID]
}

/// One domain event: its data, the notifications it causes and who is pushed what. Consumers act on it after the
/// transaction that recorded it commits.
struct DomainEvent: Codable, Sendable {
    var type: DomainEventType
    var data: [String: JSONValue]
    var notifications: [NotificationDraft] = []
    var push: [Push] = []
}

enum Outbox {
    /// Records `event` with `db`, so it commits (or rolls back) with the change that raised it.
    static func record(_ event: DomainEvent, by companyId: UUID?, on db: any Database, now: Date) async throws {
        let row = OutboxEventModel()
        row.type = event.type.rawValue
        row.companyId = companyId
        row.payload = JSONColumn.encode(event)
        row.createdAt = now
        row.attempts = 0
        try await row.create(on: db)
        CacheTouches.touch(CacheScope.touched(by: event, companyId: companyId))
        CacheTouches.recordedEvent()
    }
}

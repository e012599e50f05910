import Foundation

/// Everything that happens in BidForge that someone else must hear about. A use case records its events in the
/// outbox in the same transaction as its change; after the commit the consumers registered in `configure`
/// (notifications, realtime pushes) act on them once. Each payload says, in the feature that owns it, which
/// notifications and pushes it causes and which cached reads it ends (`EventPayload`).
///
/// The wire name (`type`) is stored in the outbox and is what sockets receive; it never changes for an existing
/// event. A new field must be optional, since events recorded before it are still replayed.
enum DomainEvent: Sendable, Equatable {
    case bidSubmitted(BidSubmitted)
    case bidRevised(BidRevised)
    case bidWithdrawn(BidWithdrawn)
    case projectPublished(ProjectPublished)
    case projectUpdated(ProjectUpdated)
    case projectAwarded(ProjectAwarded)
    case addendumIssued(AddendumIssued)
    case questionAsked(QuestionAsked)
    case questionAnswered(QuestionAnswered)
    case messageCreated(MessageCreated)
    case invitationCreated(InvitationCreated)
    case bidDueSoon(BidDueSoon)
    /// Recorded by a version before typed events, with its effects already worked out (dispatched as stored).
    case recordedBeforeTyping(EarlierEvent)

    var wireName: String {
        switch self {
        case .bidSubmitted: "bid.submitted"
        case .bidRevised: "bid.revised"
        case .bidWithdrawn: "bid.withdrawn"
        case .projectPublished: "project.published"
        case .projectUpdated: "project.updated"
        case .projectAwarded: "project.awarded"
        case .addendumIssued: "addendum.issued"
        case .questionAsked: "question.asked"
        case .questionAnswered: "question.answered"
        case .messageCreated: "message.created"
        case .invitationCreated: "invitation.created"
        case .bidDueSoon: "bid.due_soon"
        case .recordedBeforeTyping(let event): event.type
        }
    }

    var payload: any EventPayload {
        switch self {
        case .bidSubmitted(let p): p
        case .bidRevised(let p): p
        case .bidWithdrawn(let p): p
        case .projectPublished(let p): p
        case .projectUpdated(let p): p
        case .projectAwarded(let p): p
        case .addendumIssued(let p): p
        case .questionAsked(let p): p
        case .questionAnswered(let p): p
        case .messageCreated(let p): p
        case .invitationCreated(let p): p
        case .bidDueSoon(let p): p
        case .recordedBeforeTyping(let p): p
        }
    }
}

extension DomainEvent: Codable {
    private enum CodingKeys: String, CodingKey { case type, event }

    func encode(to encoder: any Encoder) throws {
        if case .recordedBeforeTyping(let earlier) = self { return try earlier.encode(to: encoder) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(wireName, forKey: .type)
        try payload.encode(to: container.superEncoder(forKey: .event))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard container.contains(.event) else {
            self = .recordedBeforeTyping(try EarlierEvent(from: decoder))
            return
        }
        let type = try container.decode(String.self, forKey: .type)
        func event<P: EventPayload>(_ wrap: (P) -> DomainEvent) throws -> DomainEvent {
            wrap(try container.decode(P.self, forKey: .event))
        }
        switch type {
        case "bid.submitted": self = try event(DomainEvent.bidSubmitted)
        case "bid.revised": self = try event(DomainEvent.bidRevised)
        case "bid.withdrawn": self = try event(DomainEvent.bidWithdrawn)
        case "project.published": self = try event(DomainEvent.projectPublished)
        case "project.updated": self = try event(DomainEvent.projectUpdated)
        case "project.awarded": self = try event(DomainEvent.projectAwarded)
        case "addendum.issued": self = try event(DomainEvent.addendumIssued)
        case "question.asked": self = try event(DomainEvent.questionAsked)
        case "question.answered": self = try event(DomainEvent.questionAnswered)
        case "message.created": self = try event(DomainEvent.messageCreated)
        case "invitation.created": self = try event(DomainEvent.invitationCreated)
        case "bid.due_soon": self = try event(DomainEvent.bidDueSoon)
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown event type \(type)")
        }
    }
}

/// What one kind of event causes; each feature states it next to its events.
protocol EventPayload: Codable, Sendable, Equatable {
    /// Notifications to every user of some companies.
    var notifications: [NotificationDraft] { get }
    /// Realtime pushes: a socket event with its data, to every user of some companies.
    var pushes: [Push] { get throws }
    /// What cached reads depend on this change: they move to new generations when the transaction commits.
    var cacheScopes: [String] { get }
}

extension EventPayload {
    var notifications: [NotificationDraft] { [] }
    var pushes: [Push] { [] }
    var cacheScopes: [String] { [] }
}

/// A realtime push of `data` (a socket event of `type`) to every user of some companies.
struct Push: Codable, Sendable, Equatable {
    let type: String
    let companyIds: [UUID]
    let data: JSONValue
}

/// An event as versions before typed events stored it: its data, notifications and push targets worked out when it
/// was recorded. Kept so that events recorded during a rolling upgrade are still dispatched and replayed.
struct EarlierEvent: EventPayload {
    struct Target: Codable, Sendable, Equatable {
        let type: String
        let companyIds: [UUID]
    }

    var type: String
    var data: [String: JSONValue]
    var notifications: [NotificationDraft] = []
    var push: [Target] = []

    var pushes: [Push] { push.map { Push(type: $0.type, companyIds: $0.companyIds, data: .object(data)) } }
}

import Fluent
import Vapor

/// A sign-in that realtime sockets are tied to: a browser session, or a refresh-token family (the API's sign-in,
/// named in each access token as `sid`). Ending it closes every socket opened through it, on every instance.
enum SessionKey: Hashable, Sendable {
    case browser(UUID)
    case tokenFamily(UUID)

    var text: String {
        switch self {
        case .browser(let id): "web:" + id.uuidString.lowercased()
        case .tokenFamily(let id): "family:" + id.uuidString.lowercased()
        }
    }

    init?(text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let id = UUID(uuidString: parts[1]) else { return nil }
        switch parts[0] {
        case "web": self = .browser(id)
        case "family": self = .tokenFamily(id)
        default: return nil
        }
    }
}

extension Delivery {
    /// Not a push to anyone: tells each instance's socket hub that these sign-ins ended.
    static let sessionsEndedType = "session.ended"

    static func sessionsEnded(_ keys: [SessionKey]) -> Delivery {
        Delivery(
            eventId: 0, type: sessionsEndedType, data: .object(["sessionKeys": .array(keys.map { .string($0.text) })]))
    }

    /// The sign-ins a `session.ended` delivery names; nil for every other delivery.
    var endedSessions: Set<SessionKey>? {
        guard type == Self.sessionsEndedType, case .object(let fields) = data,
            case .array(let keys)? = fields["sessionKeys"]
        else {
            return nil
        }
        return Set(
            keys.compactMap { key in
                guard case .string(let text) = key else { return nil }
                return SessionKey(text: text)
            })
    }
}

extension Application {
    /// Tells every instance (through the event bus) that these sign-ins ended, after they were ended in the database.
    func endSessions(_ keys: [SessionKey]) async {
        guard !keys.isEmpty else { return }
        await eventBus.publish([.sessionsEnded(keys)])
    }
}

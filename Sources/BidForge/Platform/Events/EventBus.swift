import Foundation
import NIOConcurrencyHelpers

/// One realtime push, as it travels between instances: to exact users, or to every user of some companies.
/// `eventId` is the outbox id, so a client can ask for what it missed and ignore what it already has.
struct Delivery: Codable, Sendable, Equatable {
    let eventId: Int64
    let type: String
    var userIds: [UUID] = []
    var companyIds: [UUID] = []
    let data: JSONValue
}

/// Carries deliveries to every instance (each holds some users' sockets).
protocol EventBus: Sendable {
    /// Never throws: a bus that cannot reach the other instances still delivers locally and says so in the log.
    func publish(_ deliveries: [Delivery]) async
    /// A new stream of every delivery published on any instance from now on.
    func subscribe() -> AsyncStream<Delivery>
    /// `degraded` while deliveries only reach this instance, for `/api/health`.
    var status: String { get }
}

/// Fan-out to local subscribers; the whole bus on a single instance, and the last hop of the Redis bus.
final class InProcessEventBus: EventBus {
    private let subscribers = NIOLockedValueBox<[UUID: AsyncStream<Delivery>.Continuation]>([:])
    private let bufferLimit: Int

    init(bufferLimit: Int = 10_000) { self.bufferLimit = bufferLimit }

    var status: String { "ok" }

    func publish(_ deliveries: [Delivery]) async {
        let targets = subscribers.withLockedValue { Array($0.values) }
        for delivery in deliveries {
            for target in targets { target.yield(delivery) }
        }
    }

    func subscribe() -> AsyncStream<Delivery> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(
            of: Delivery.self, bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [subscribers] _ in _ = subscribers.withLockedValue { $0.removeValue(forKey: id) }
        }
        subscribers.withLockedValue { $0[id] = continuation }
        return stream
    }
}

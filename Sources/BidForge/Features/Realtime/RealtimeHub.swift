import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
import Vapor

/// The sockets this instance holds, and delivery to them. Each socket has a bounded queue drained by its own writer,
/// so a slow or stuck client only ever fills its own queue: when that overflows the socket is closed (1013) and
/// nobody else waits. Sockets whose session expired or ended (sign-out, a revoked token family — on any instance) are
/// closed with 4001 so the client signs in again.
final class RealtimeHub: Sendable {
    struct Session: Sendable {
        let userId: UUID
        let companyId: UUID
        let expiresAt: Date
        /// The sign-in the socket was opened through, when known.
        var sessionKey: SessionKey? = nil
    }

    private struct Client: Sendable {
        let session: Session
        let socket: WebSocket
        let queue: AsyncStream<String>.Continuation
    }

    static let tryAgainLater = WebSocketErrorCode.unknown(1013)
    static let sessionExpired = WebSocketErrorCode.unknown(4001)

    private let clients = NIOLockedValueBox<[UUID: Client]>([:])
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])
    let queueLimit: Int
    private let clock: AppClock
    private let logger: Logger

    init(queueLimit: Int, clock: AppClock, logger: Logger) {
        self.queueLimit = queueLimit
        self.clock = clock
        self.logger = logger
    }

    var connectedCount: Int { clients.withLockedValue { $0.count } }

    /// Routes every delivery from the bus, and closes expired sessions once a second.
    func start(bus: any EventBus) {
        let deliveries = bus.subscribe()
        let routing = Task { [self] in
            for await delivery in deliveries { route(delivery) }
        }
        let expiry = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                closeExpired()
            }
        }
        tasks.withLockedValue { $0 += [routing, expiry] }
    }

    func stop() async {
        let running = tasks.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in running { task.cancel() }
        let open = clients.withLockedValue { Array($0.values) }
        for client in open { try? await client.socket.close(code: .goingAway) }
    }

    /// Takes over an upgraded socket: queues `replay` first, then live deliveries, until it closes.
    func attach(_ socket: WebSocket, session: Session, replay: [Delivery], pingInterval: TimeAmount) {
        let id = UUID()
        let (stream, queue) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(queueLimit))
        clients.withLockedValue { $0[id] = Client(session: session, socket: socket, queue: queue) }
        socket.pingInterval = pingInterval  // no pong within the interval: the socket is closed as dead
        socket.onClose.whenComplete { [clients] _ in
            _ = clients.withLockedValue { $0.removeValue(forKey: id) }
            queue.finish()
        }
        for delivery in replay { if let text = Self.frame(delivery) { enqueue(text, to: id) } }
        Task {
            for await text in stream {
                do { try await socket.send(text) } catch { break }
            }
        }
    }

    /// Encodes the frame once and queues it for every entitled socket.
    func route(_ delivery: Delivery) {
        if let ended = delivery.endedSessions {
            closeSessions(ended)
            return
        }
        let targets = clients.withLockedValue { clients in
            clients.filter { Self.entitled($0.value.session, to: delivery) }.map(\.key)
        }
        guard !targets.isEmpty, let text = Self.frame(delivery) else { return }
        for id in targets { enqueue(text, to: id) }
    }

    static func entitled(_ session: Session, to delivery: Delivery) -> Bool {
        delivery.userIds.contains(session.userId) || delivery.companyIds.contains(session.companyId)
    }

    private func enqueue(_ text: String, to id: UUID) {
        guard let client = clients.withLockedValue({ $0[id] }) else { return }
        if case .dropped = client.queue.yield(text) {
            logger.warning(
                "realtime client too slow: closing its socket",
                metadata: ["userId": .string(client.session.userId.lowercasedString)])
            _ = clients.withLockedValue { $0.removeValue(forKey: id) }
            client.queue.finish()
            client.socket.close(code: Self.tryAgainLater, promise: nil)
        }
    }

    /// Closes (4001) every socket opened through one of these sign-ins.
    func closeSessions(_ keys: Set<SessionKey>) {
        close { session in session.sessionKey.map(keys.contains) ?? false }
    }

    private func closeExpired() {
        let now = clock.now()
        close { $0.expiresAt <= now }
    }

    /// Closes (4001) every socket whose session matches.
    private func close(where matches: (Session) -> Bool) {
        let expired = clients.withLockedValue { clients in
            let gone = clients.filter { matches($0.value.session) }
            for key in gone.keys { clients.removeValue(forKey: key) }
            return Array(gone.values)
        }
        for client in expired {
            client.queue.finish()
            client.socket.close(code: Self.sessionExpired, promise: nil)
        }
    }

    /// `{"type": …, "eventId": …, "data": …}`
    static func frame(_ delivery: Delivery) -> String? {
        struct Frame: Encodable {
            let type: String
            let eventId: Int64
            let data: JSONValue
        }
        guard
            let data = try? JSONCoding.encoder.encode(
                Frame(type: delivery.type, eventId: delivery.eventId, data: delivery.data))
        else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

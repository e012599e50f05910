import NIOConcurrencyHelpers
import RedisWire
import Vapor

/// Deliveries published on one Redis channel and received by every instance's subscriber, which hands them to its
/// local fan-out. If Redis cannot be reached, deliveries still reach this instance's sockets (logged once, health
/// says `degraded`); clients on other instances catch up with `?since=` when they reconnect.
final class RedisEventBus: EventBus {
    static let channel = "bidforge:deliveries"

    private let redis: RedisClient
    private let subscriber: RedisSubscriber
    private let local = InProcessEventBus()
    private let logger: Logger
    private let degraded = NIOLockedValueBox(false)
    private let pump = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(redis: RedisClient, subscriber: RedisSubscriber, logger: Logger) {
        self.redis = redis
        self.subscriber = subscriber
        self.logger = logger
    }

    var status: String { degraded.withLockedValue { $0 } || !subscriber.isConnected ? "degraded" : "ok" }

    /// Subscribes and starts handing received deliveries to local subscribers.
    func start() {
        subscriber.subscribe([Self.channel])
        let messages = subscriber.messages
        let local = self.local
        let logger = self.logger
        let task = Task {
            for await message in messages {
                guard let batch = try? JSONCoding.decoder.decode([Delivery].self, from: Data(message.payload)) else {
                    logger.warning("ignored an undecodable message on \(Self.channel)")
                    continue
                }
                await local.publish(batch)
            }
        }
        pump.withLockedValue { $0 = task }
    }

    func stop() async {
        await subscriber.close()
        await pump.withLockedValue { $0 }?.value
    }

    func publish(_ deliveries: [Delivery]) async {
        guard !deliveries.isEmpty else { return }
        do {
            let payload = try JSONCoding.encoder.encode(deliveries)
            try await redis.send(["PUBLISH", RESPArgument(Self.channel), RESPArgument(bytes: Array(payload))])
            if degraded.withLockedValue({
                let was = $0
                $0 = false
                return was
            }) {
                logger.notice("Redis is back: realtime deliveries reach every instance again")
            }
        } catch {
            if !degraded.withLockedValue({
                let was = $0
                $0 = true
                return was
            }) {
                logger.warning(
                    "realtime deliveries reach this instance only: Redis is unavailable",
                    metadata: ["error": .string(String(describing: error))])
            }
            await local.publish(deliveries)
        }
    }

    func subscribe() -> AsyncStream<Delivery> { local.subscribe() }
}

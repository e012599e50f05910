import RedisWire
import Vapor

extension Application {
    private struct BusKey: StorageKey { typealias Value = any EventBus }
    private struct OutboxKey: StorageKey { typealias Value = OutboxDispatcher }
    private struct RemindersKey: StorageKey { typealias Value = ReminderScheduler }
    private struct ReplicaPollerKey: StorageKey { typealias Value = ReplicaPoller }

    var reminders: ReminderScheduler {
        if let scheduler = storage[RemindersKey.self] { return scheduler }
        let scheduler = ReminderScheduler()
        storage[RemindersKey.self] = scheduler
        return scheduler
    }

    /// Set once in `configure`: Redis fan-out across instances when `REDIS_URL` is set, in process otherwise.
    var eventBus: any EventBus {
        get { configured(BusKey.self, "the event bus") }
        set { storage[BusKey.self] = newValue }
    }

    var outbox: OutboxDispatcher {
        get { configured(OutboxKey.self, "the outbox dispatcher") }
        set { storage[OutboxKey.self] = newValue }
    }

    /// The outbox dispatcher, if configured (writes nudge it after they commit).
    var outboxIfConfigured: OutboxDispatcher? { storage[OutboxKey.self] }

    func configureEvents(redisURL: String?) throws {
        if let redis, let redisURL {
            var configuration = try RedisClient.Configuration(url: redisURL)
            configuration.connectTimeout = .milliseconds(500)
            eventBus = RedisEventBus(
                redis: redis, subscriber: RedisSubscriber(configuration: configuration, group: eventLoopGroup),
                logger: logger)
        } else {
            eventBus = InProcessEventBus()
        }
        outbox = OutboxDispatcher(
            app: self, bus: eventBus,
            consumer: DomainEventDispatch(consumers: [
                NotificationConsumer(),  // first: its deliveries go out before the pushes, as clients expect
                RealtimePushConsumer()
            ]))
        _ = reminders
        realtimeHub = RealtimeHub(queueLimit: settings.realtimeQueueLimit, clock: clock, logger: logger)
        realtimeHub.start(bus: eventBus)
        lifecycle.use(EventsShutdown())
    }

    /// Background work that runs only while serving: the Redis subscription and the outbox dispatcher.
    func startBackgroundWork() {
        (eventBus as? RedisEventBus)?.start()
        outbox.start()
        reminders.start(self)
        derivatives.start()
        if let routing = readRouting { replicaPoller.start(self, replicas: routing.replicas) }
    }

    var replicaPoller: ReplicaPoller {
        if let poller = storage[ReplicaPollerKey.self] { return poller }
        let poller = ReplicaPoller()
        storage[ReplicaPollerKey.self] = poller
        return poller
    }

    func stopBackgroundWork() async {
        await storage[ReplicaPollerKey.self]?.stop()
        await derivativesIfConfigured?.stop()
        await reminders.stop()
        await realtimeHub.stop()
        await outbox.stop()
        await (eventBus as? RedisEventBus)?.stop()
    }
}

/// Whatever background work is running stops with the application (tests build and shut down many).
private struct EventsShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async { await application.stopBackgroundWork() }
}

import RedisWire
import Vapor

extension Application {
    private struct RedisKey: StorageKey { typealias Value = RedisClient }

    /// The shared Redis client when `REDIS_URL` is set; nil means every shared concern runs in process.
    var redis: RedisClient? {
        get { storage[RedisKey.self] }
        set { storage[RedisKey.self] = newValue }
    }

    /// Connects lazily: an instance starts, and keeps serving, while Redis is down.
    func useRedis(url: String, timeoutMilliseconds: Int) throws {
        var configuration = try RedisClient.Configuration(url: url, poolSize: 4)
        configuration.connectTimeout = .milliseconds(Int64(timeoutMilliseconds))
        configuration.commandTimeout = .milliseconds(Int64(timeoutMilliseconds))
        let client = RedisClient(configuration: configuration, group: eventLoopGroup)
        redis = client
        lifecycle.use(RedisShutdown(client: client))
    }
}

private struct RedisShutdown: LifecycleHandler {
    let client: RedisClient
    func shutdownAsync(_ application: Application) async { await client.close() }
}

import Vapor

extension Application {
    private struct CacheKey: StorageKey { typealias Value = Cache }

    /// The read cache, or nil when `CACHE_ENABLED=false` (every read goes to the database).
    var cache: Cache? {
        get { storage[CacheKey.self] }
        set { storage[CacheKey.self] = newValue }
    }

    func useCache(settings: Settings) {
        guard settings.cacheEnabled else { return }
        cache = Cache(memoryBytes: settings.cacheMemoryBytes, redis: redis, objectStorage: objectStorage,
                      defaultTTL: TimeInterval(settings.cacheTTLSeconds), metrics: metrics, logger: logger,
                      now: { [clock] in clock.now() })
        databases.useCacheTouching()
    }
}

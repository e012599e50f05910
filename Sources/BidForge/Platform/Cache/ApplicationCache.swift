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
        cache = Cache(
            memoryBytes: settings.cacheMemoryBytes, redis: redis, objectStorage: objectStorage,
            defaultTTL: TimeInterval(settings.cacheTTLSeconds), metrics: metrics, logger: logger,
            now: { [clock] in clock.now() })
    }
}

extension Application {
    /// `Cache.value` when the cache is on, else simply `build`.
    func cached(
        _ name: String, key: String, scopes: [String], ttl: TimeInterval? = nil, objectStore: Bool = false,
        build: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        guard let cache else { return try await build() }
        return try await cache.value(name, key: key, scopes: scopes, ttl: ttl, objectStore: objectStore, build: build)
    }
}

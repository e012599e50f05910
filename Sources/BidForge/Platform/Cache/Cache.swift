import Crypto
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import RedisWire

/// The read cache: L1 in this process, L2 in Redis, L3 in the object store for what is slow to build. Keys carry the
/// generations of the scopes a value depends on (`CacheGenerations`), so a write that bumps a scope hides every older
/// value at once. One build per key at a time in a process (`SingleFlight`) and, with Redis, across instances (a short
/// lock; the others wait briefly for the builder's result).
///
/// With Redis configured but unreachable the cache is bypassed (values are built from the database, users see no
/// error, `/api/health` says `cache: degraded`): another instance's write could not reach us, so nothing cached here
/// can be trusted until Redis answers again — and then every generation moves on once (`all`).
final class Cache: Sendable {
    let memory: MemoryTier
    /// Assembled values (`assembled`), with the generations of their parts; a quarter of the memory budget.
    let assembledMemory: LRUMemory<Assembled>
    let shared: RedisTier?
    let objects: ObjectStoreTier?
    let generations: CacheGenerations
    let defaultTTL: TimeInterval
    private let flights = SingleFlight()
    private let metrics: AppMetrics?
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    private let counts = NIOLockedValueBox<[String: (hits: Int, requests: Int)]>([:])
    static let retryInterval: TimeInterval = 1
    static let lockLifetimeMilliseconds = 3_000
    static let lockWait: Duration = .milliseconds(25)
    static let lockAttempts = 40

    private struct State {
        var degradedSince: Date?
        var lastAttempt: Date?
        /// Rebuilds done by this process (tests count them).
        var builds = 0
    }

    init(
        memoryBytes: Int, redis: RedisClient?, objectStorage: (any ObjectStorage)?, defaultTTL: TimeInterval,
        metrics: AppMetrics?, logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        memory = MemoryTier(capacityBytes: memoryBytes - memoryBytes / 4)
        assembledMemory = LRUMemory(capacityBytes: memoryBytes / 4) { $0.cost }
        shared = redis.map { RedisTier(redis: $0) }
        objects = objectStorage.map { ObjectStoreTier(storage: $0) }
        generations = CacheGenerations(redis: redis, now: now())
        self.defaultTTL = defaultTTL
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// `disabled` never happens here (no Cache exists then); `ok`, or `degraded` while Redis is away.
    var status: String { state.withLockedValue { $0.degradedSince == nil ? "ok" : "degraded" } }
    var builds: Int { state.withLockedValue { $0.builds } }

    /// The value for `key` (which must name everything the value depends on besides `scopes`), from the first tier that
    /// has it, else built once and stored in every tier asked for. `name` groups the metrics (`projects`, `listings` …).
    func value(
        _ name: String, key: String, scopes: [String], ttl: TimeInterval? = nil, objectStore: Bool = false,
        build: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        try await CacheFilling.$active.withValue(true) {
            try await lookUp(name, key: key, scopes: scopes, ttl: ttl, objectStore: objectStore, build: build)
        }
    }

    private func lookUp(
        _ name: String, key: String, scopes: [String], ttl: TimeInterval?, objectStore: Bool,
        build: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        guard let versioned = await versionedKey(name, key: key, scopes: scopes) else { return try await build() }
        let ttl = ttl ?? defaultTTL
        if let hit = memory.get(versioned, now: now()) {
            record(name, tier: "l1", result: "hit")
            return hit
        }
        record(name, tier: "l1", result: "miss")
        return try await flights.run(versioned) { [self] in
            try await self.fill(name, versioned, ttl: ttl, objectStore: objectStore, build: build)
        }
    }

    /// Many values at once (a listing's cards): one generation read, L1, one L2 round trip for the rest, and one
    /// `buildMissing` call for what no tier had (it answers nil for keys that have no value; those are not cached).
    func values(
        _ name: String, keys: [String], scopes: [[String]], ttl: TimeInterval? = nil,
        buildMissing: @escaping @Sendable ([Int]) async throws -> [[UInt8]?]
    ) async throws -> [[UInt8]?] {
        try await CacheFilling.$active.withValue(true) {
            try await lookUp(name, keys: keys, scopes: scopes, ttl: ttl, buildMissing: buildMissing)
        }
    }

    private func lookUp(
        _ name: String, keys: [String], scopes: [[String]], ttl: TimeInterval?,
        buildMissing: @escaping @Sendable ([Int]) async throws -> [[UInt8]?]
    ) async throws -> [[UInt8]?] {
        guard !keys.isEmpty else { return [] }
        let everything = Array(Set(scopes.joined())).sorted()
        let generation: [String: Int64]
        if shouldTryShared() {
            do {
                let gens = try await generations.values([CacheGenerations.everything] + everything)
                generation = Dictionary(uniqueKeysWithValues: zip([CacheGenerations.everything] + everything, gens))
                recovered()
            } catch {
                failed(error)
                record(name, tier: "all", result: "bypass", count: keys.count)
                return try await buildMissing(Array(keys.indices))
            }
        } else {
            record(name, tier: "all", result: "bypass", count: keys.count)
            return try await buildMissing(Array(keys.indices))
        }
        let ttl = ttl ?? defaultTTL
        let versioned = keys.indices.map { index in
            name + ":" + keys[index] + "@"
                + ([CacheGenerations.everything] + scopes[index]).map { String(generation[$0] ?? 0) }.joined(
                    separator: ".")
        }
        var results = [[UInt8]?](repeating: nil, count: keys.count)
        var missing: [Int] = []
        let current = now()
        for index in keys.indices {
            if let hit = memory.get(versioned[index], now: current) {
                results[index] = hit
            } else {
                missing.append(index)
            }
        }
        record(name, tier: "l1", result: "hit", count: keys.count - missing.count)
        record(name, tier: "l1", result: "miss", count: missing.count)
        guard !missing.isEmpty else { return results }
        if let shared {
            do {
                let found = try await shared.get(missing.map { versioned[$0] })
                var still: [Int] = []
                for (slot, index) in missing.enumerated() {
                    if let hit = found[slot] {
                        results[index] = hit
                        memory.set(versioned[index], hit, ttl: ttl, now: current)
                    } else {
                        still.append(index)
                    }
                }
                record(name, tier: "l2", result: "hit", count: missing.count - still.count)
                record(name, tier: "l2", result: "miss", count: still.count)
                missing = still
            } catch {
                failed(error)
            }
        }
        guard !missing.isEmpty else { return results }
        // Concurrent requests for the same page miss the same keys: they share one build.
        let flightKey = missing.map { versioned[$0] }.joined(separator: "|")
        // The builder also stores (once); the requests that waited on it only read its result.
        let packed = try await flights.run(flightKey) { [self, missing, versioned] in
            let built = try await buildMissing(missing)
            state.withLockedValue { $0.builds += 1 }
            for (slot, index) in missing.enumerated() where slot < built.count {
                if let value = built[slot] { await store(versioned[index], value, ttl: ttl, objectStore: false) }
            }
            return Self.pack(built)
        }
        let built = Self.unpack(packed)
        for (slot, index) in missing.enumerated() where slot < built.count { results[index] = built[slot] }
        return results
    }

    /// What `assembled` keeps: the finished bytes and the generation of every part they were made from.
    struct Assembled: Sendable {
        let body: ByteBuffer
        let parts: [String]
        let generations: [Int64]

        var cost: Int { body.readableBytes + parts.reduce(0) { $0 + $1.utf8.count + 24 } }
    }

    /// A value assembled from other cached values (a listing page from its cards), kept whole in this process with
    /// the generations of the scopes its parts depend on: a hit is one lookup and one check of those generations, and
    /// a write that moves any part's scope makes the whole unreachable, exactly like the part. `plan` says what is to be
    /// assembled and which part scopes that involves; `assemble` makes it (both run only on a miss). The part
    /// generations are read before assembling, so a write during the assembly makes the result stale at once rather
    /// than hiding it.
    func assembled<Plan: Sendable>(
        _ name: String, key: String, scopes: [String], ttl: TimeInterval? = nil,
        plan: @escaping @Sendable () async throws -> (plan: Plan, parts: [String]),
        assemble: @escaping @Sendable (Plan) async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        try await CacheFilling.$active.withValue(true) {
            try await lookUp(name, key: key, scopes: scopes, ttl: ttl, plan: plan, assemble: assemble)
        }
    }

    private func lookUp<Plan: Sendable>(
        _ name: String, key: String, scopes: [String], ttl: TimeInterval?,
        plan: @escaping @Sendable () async throws -> (plan: Plan, parts: [String]),
        assemble: @escaping @Sendable (Plan) async throws -> ByteBuffer
    ) async throws -> ByteBuffer {
        guard let versioned = await versionedKey(name, key: key, scopes: scopes) else {
            return try await assemble(try await plan().plan)
        }
        if let entry = assembledMemory.get(versioned, now: now()),
            await partGenerations(entry.parts) == entry.generations
        {
            record(name, tier: "l1", result: "hit")
            return entry.body
        }
        record(name, tier: "l1", result: "miss")
        let (planned, parts) = try await plan()
        let generationsBefore = await partGenerations(parts)
        let body = try await assemble(planned)
        // Kept only when the parts' generations could be read (else the next request rebuilds it).
        if let generationsBefore {
            assembledMemory.set(
                versioned, Assembled(body: body, parts: parts, generations: generationsBefore),
                ttl: ttl ?? defaultTTL, now: now())
        }
        return body
    }

    /// The key under the current generations of `scopes`, or nil when the cache is bypassed (Redis away: recorded
    /// as a bypass, and the caller builds from the database).
    private func versionedKey(_ name: String, key: String, scopes: [String]) async -> String? {
        guard shouldTryShared() else {
            record(name, tier: "all", result: "bypass")
            return nil
        }
        do {
            let gens = try await generations.values([CacheGenerations.everything] + scopes)
            recovered()
            return name + ":" + key + "@" + gens.map(String.init).joined(separator: ".")
        } catch {
            failed(error)
            record(name, tier: "all", result: "bypass")
            return nil
        }
    }

    /// The generations of an assembled value's parts; nil when they cannot be read (the cache degrades).
    private func partGenerations(_ parts: [String]) async -> [Int64]? {
        do { return try await generations.values(parts) } catch {
            failed(error)
            return nil
        }
    }

    /// Several optional values in one byte array (single flight shares bytes): per value a 4-byte length, or
    /// 0xFFFFFFFF for nil, then the bytes.
    static func pack(_ values: [[UInt8]?]) -> [UInt8] {
        var out: [UInt8] = []
        for value in values {
            let length = value.map { UInt32($0.count) } ?? UInt32.max
            out += [
                UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)
            ]
            if let value { out += value }
        }
        return out
    }

    static func unpack(_ bytes: [UInt8]) -> [[UInt8]?] {
        var values: [[UInt8]?] = []
        var index = 0
        while index + 4 <= bytes.count {
            let length = bytes[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            index += 4
            if length == UInt32.max {
                values.append(nil)
                continue
            }
            let end = min(bytes.count, index + Int(length))
            values.append(Array(bytes[index..<end]))
            index = end
        }
        return values
    }

    /// Moves the scopes on: everything cached under their older generations is unreachable from now on, here at once
    /// and on every instance within `CacheGenerations.mirrorLifetime`. Never throws: a failure degrades the cache.
    func invalidate(_ scopes: Set<String>) async {
        guard !scopes.isEmpty else { return }
        do {
            try await generations.bump(scopes)
        } catch {
            failed(error)
        }
    }

    private func fill(
        _ name: String, _ key: String, ttl: TimeInterval, objectStore: Bool,
        build: @escaping @Sendable () async throws -> [UInt8]
    ) async throws -> [UInt8] {
        if let shared {
            if let hit = await sharedGet(shared, key) {
                record(name, tier: "l2", result: "hit")
                memory.set(key, hit, ttl: ttl, now: now())
                return hit
            }
            record(name, tier: "l2", result: "miss")
        }
        if objectStore, let objects {
            if let hit = try? await objects.get(key, now: now()) {
                record(name, tier: "l3", result: "hit")
                await store(key, hit, ttl: ttl, objectStore: false)
                return hit
            }
            record(name, tier: "l3", result: "miss")
        }
        // Across instances: one builder per key; the others wait for its result in L2, then build anyway.
        if let shared, !(await acquireBuildLock(shared, key)) {
            for _ in 0..<Self.lockAttempts {
                try await Task.sleep(for: Self.lockWait)
                if let hit = await sharedGet(shared, key) {
                    record(name, tier: "l2", result: "hit")
                    memory.set(key, hit, ttl: ttl, now: now())
                    return hit
                }
            }
        }
        let built = try await build()
        state.withLockedValue { $0.builds += 1 }
        await store(key, built, ttl: ttl, objectStore: objectStore)
        return built
    }

    private func store(_ key: String, _ value: [UInt8], ttl: TimeInterval, objectStore: Bool) async {
        memory.set(key, value, ttl: ttl, now: now())
        if let shared {
            do { try await shared.set(key, value, ttl: ttl, now: now()) } catch { failed(error) }
        }
        if objectStore, let objects {
            do { try await objects.set(key, value, ttl: ttl, now: now()) } catch {
                logger.warning(
                    "cache: could not keep a result in the object store", metadata: ["error": .string("\(error)")])
            }
        }
    }

    private func sharedGet(_ shared: RedisTier, _ key: String) async -> [UInt8]? {
        do { return try await shared.get(key, now: now()) } catch {
            failed(error)
            return nil
        }
    }

    private func acquireBuildLock(_ shared: RedisTier, _ key: String) async -> Bool {
        do {
            return try await shared.redis.set(
                "bidforge:cache-lock:" + CacheKeys.digest(key), "1",
                expireMilliseconds: Self.lockLifetimeMilliseconds, onlyIfAbsent: true)
        } catch {
            failed(error)
            return true
        }
    }

    // MARK: Redis health (the same pattern as the rate limiter's)

    private func shouldTryShared() -> Bool {
        guard shared != nil else { return true }
        return state.withLockedValue { state in
            guard state.degradedSince != nil else { return true }
            let current = now()
            if let last = state.lastAttempt, current.timeIntervalSince(last) < Self.retryInterval, current >= last {
                return false
            }
            state.lastAttempt = current
            return true
        }
    }

    private func failed(_ error: any Error) {
        guard shared != nil else { return }
        let first = state.withLockedValue { state in
            defer { state.lastAttempt = now() }
            guard state.degradedSince == nil else { return false }
            state.degradedSince = now()
            return true
        }
        if first {
            logger.warning(
                "cache bypassed: Redis is unavailable, so reads go to the database until it answers",
                metadata: ["error": .string(String(describing: error))])
        }
    }

    /// Redis answers again: writes made meanwhile could not move any generation, so everything moves on once.
    private func recovered() {
        let wasDegraded = state.withLockedValue { state in
            defer {
                state.degradedSince = nil
                state.lastAttempt = nil
            }
            return state.degradedSince != nil
        }
        guard wasDegraded else { return }
        memory.removeAll()
        assembledMemory.removeAll()
        generations.forgetMirror()
        Task { [self] in await self.invalidate([CacheGenerations.everything]) }
        logger.notice("Redis is back: the cache is in use again (everything cached before was dropped)")
    }

    /// `cache_requests_total{cache,tier,result}`, and the hit ratio per cache: a request is counted once (at L1, or
    /// as a bypass) and is a hit when any tier answered it.
    private func record(_ name: String, tier: String, result: String, count: Int = 1) {
        guard count > 0 else { return }
        metrics?.recordCacheRequest(cache: name, tier: tier, result: result, count: count)
        let isRequest = tier == "l1" || result == "bypass"
        let isHit = result == "hit"
        guard isRequest || isHit else { return }
        let ratio = counts.withLockedValue { counts -> Double in
            var entry = counts[name] ?? (0, 0)
            if isRequest { entry.requests += count }
            if isHit { entry.hits += count }
            counts[name] = entry
            return entry.requests == 0 ? 0 : Double(entry.hits) / Double(entry.requests)
        }
        metrics?.recordCacheHitRatio(cache: name, ratio: ratio)
    }
}

enum CacheKeys {
    /// A short, stable name for a long key (object names, lock names).
    static func digest(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}

/// Set while the cache runs a build: what a build reads is kept after it, so a replica may serve it only once it has
/// replayed everything committed (`ReadRouting`), or a stale read could outlive the invalidation it raced.
enum CacheFilling {
    @TaskLocal static var active = false
}

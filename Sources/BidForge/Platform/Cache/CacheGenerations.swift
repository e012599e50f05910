import Foundation
import NIOConcurrencyHelpers
import RedisWire

/// Generation counters: every cached value's key carries the generations of the scopes it depends on
/// (`project:<id>`, `listings`, `company:<id>` …), so bumping a scope makes every older entry unreachable at once —
/// in every tier, with no list of keys to delete and no race with a rebuild that started before the write.
///
/// With Redis the counters live there (shared by every instance); each instance mirrors what it read for
/// `mirrorLifetime`, so another instance's write is seen within that time and this instance's own writes at once.
/// Without Redis they live in this process and start from the boot time, so keys from an earlier run never match.
final class CacheGenerations: Sendable {
    static let mirrorLifetime: Duration = .milliseconds(50)
    static let everything = "all"

    private let redis: RedisClient?
    private let mirror = NIOLockedValueBox<[String: (value: Int64, readAt: ContinuousClock.Instant)]>([:])
    private let local = NIOLockedValueBox<[String: Int64]>([:])
    private let origin: Int64

    init(redis: RedisClient?, now: Date = Date()) {
        self.redis = redis
        origin = Int64(now.timeIntervalSince1970 * 1000)
    }

    /// The current generation of each scope (in order); `all` is always included first by the caller.
    func values(_ scopes: [String]) async throws -> [Int64] {
        guard let redis else {
            return local.withLockedValue { counters in scopes.map { counters[$0] ?? origin } }
        }
        let now = ContinuousClock.now
        var found = [Int64?](repeating: nil, count: scopes.count)
        mirror.withLockedValue { mirror in
            for (index, scope) in scopes.enumerated() {
                if let entry = mirror[scope], now - entry.readAt < Self.mirrorLifetime { found[index] = entry.value }
            }
        }
        let missing = found.indices.filter { found[$0] == nil }
        guard !missing.isEmpty else { return found.map { $0! } }
        let keys = missing.map { Self.redisKey(scopes[$0]) }
        let read = try await redis.get(keys)
        for (slot, index) in missing.enumerated() {
            if let bytes = read[slot], let value = Int64(String(decoding: bytes, as: UTF8.self)) {
                found[index] = value
            } else {
                found[index] = try await initialise(keys[slot], redis: redis)
            }
        }
        remember(zip(missing.map { scopes[$0] }, missing.map { found[$0]! }), at: now)
        return found.map { $0! }
    }

    /// Moves each scope to a new generation; returns when this instance already reads the new ones.
    func bump(_ scopes: Set<String>) async throws {
        guard !scopes.isEmpty else { return }
        guard let redis else {
            local.withLockedValue { counters in
                for scope in scopes { counters[scope] = (counters[scope] ?? origin) + 1 }
            }
            return
        }
        let ordered = Array(scopes)
        let reply = try await redis.eval(Self.bumpScript, keys: ordered.map(Self.redisKey), arguments: [String(origin)])
        guard case .array(let values?) = reply, values.count == ordered.count else {
            throw RedisError.protocolError("generation bump answered \(reply)")
        }
        remember(zip(ordered, values.map { $0.int ?? 0 }), at: ContinuousClock.now)
    }

    /// After Redis was unreachable: nothing mirrored before can be trusted.
    func forgetMirror() {
        mirror.withLockedValue { $0.removeAll() }
    }

    private func remember<Pairs: Sequence>(_ pairs: Pairs, at instant: ContinuousClock.Instant)
    where Pairs.Element == (String, Int64) {
        mirror.withLockedValue { mirror in
            // bounded: a cold mirror only costs a read
            if mirror.count > 200_000 { mirror.removeAll(keepingCapacity: true) }
            for (scope, value) in pairs { mirror[scope] = (value, instant) }
        }
    }

    /// A scope Redis has never seen (or lost in a restart) starts from this process's boot time, not from 0, so an
    /// object-store entry written under an earlier, forgotten counter is never taken for a current one.
    private func initialise(_ key: String, redis: RedisClient) async throws -> Int64 {
        let reply = try await redis.eval(Self.initialiseScript, keys: [key], arguments: [String(origin)])
        guard let value = reply.int else { throw RedisError.protocolError("generation read answered \(reply)") }
        return value
    }

    static func redisKey(_ scope: String) -> String { "bidforge:gen:" + scope }

    static let initialiseScript = """
        redis.call('SET', KEYS[1], ARGV[1], 'NX')
        return redis.call('GET', KEYS[1])
        """

    static let bumpScript = """
        local out = {}
        for i, key in ipairs(KEYS) do
          redis.call('SET', key, ARGV[1], 'NX')
          out[i] = redis.call('INCR', key)
        end
        return out
        """
}

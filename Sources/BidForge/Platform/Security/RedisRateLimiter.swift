import Crypto
import NIOConcurrencyHelpers
import RedisWire
import Vapor

/// Token buckets kept in Redis, so that every instance draws from the same bucket. One atomic script per decision.
/// When Redis cannot be reached the limiter falls back to per-instance memory (logged once, and reported as
/// `degraded` by `/api/health`) and tries Redis again after `retryInterval`.
final class RedisRateLimiter: RateLimiter {
    private let redis: RedisClient
    private let fallback = InMemoryRateLimiter()
    private let logger: Logger
    private let state = NIOLockedValueBox(State())
    static let retryInterval: TimeInterval = 1

    private struct State {
        var degradedSince: Date?
        var lastAttempt: Date?
    }

    init(redis: RedisClient, logger: Logger) {
        self.redis = redis
        self.logger = logger
    }

    /// True while decisions are made from per-instance memory because Redis failed.
    var isDegraded: Bool { state.withLockedValue { $0.degradedSince != nil } }

    func consume(_ key: String, rule: RateRule, now: Date) async -> TimeInterval? {
        guard shouldTryRedis(now: now) else { return fallback.consume(key, rule: rule, now: now) }
        do {
            let reply = try await redis.eval(
                Self.script, keys: [Self.redisKey(key)],
                arguments: [
                    String(rule.capacity),
                    String(rule.refillPerSecond / 1000),
                    String(Int64((now.timeIntervalSince1970 * 1000).rounded()))
                ])
            guard let waitMilliseconds = reply.int else {
                throw RedisError.protocolError("rate limit script answered \(reply)")
            }
            recovered()
            return waitMilliseconds > 0 ? Double(waitMilliseconds) / 1000 : nil
        } catch {
            failed(error, now: now)
            return fallback.consume(key, rule: rule, now: now)
        }
    }

    private func shouldTryRedis(now: Date) -> Bool {
        state.withLockedValue { state in
            guard state.degradedSince != nil else { return true }
            if let last = state.lastAttempt, now.timeIntervalSince(last) < Self.retryInterval, now >= last {
                return false
            }
            state.lastAttempt = now
            return true
        }
    }

    private func failed(_ error: any Error, now: Date) {
        let first = state.withLockedValue { state in
            defer { state.lastAttempt = now }
            guard state.degradedSince == nil else { return false }
            state.degradedSince = now
            return true
        }
        if first {
            logger.warning(
                "rate limits fell back to per-instance memory: Redis is unavailable",
                metadata: ["error": .string(String(describing: error))])
        }
    }

    private func recovered() {
        let since = state.withLockedValue { state in
            defer {
                state.degradedSince = nil
                state.lastAttempt = nil
            }
            return state.degradedSince
        }
        if since != nil { logger.notice("Redis is back: rate limits are shared by every instance again") }
    }

    /// Keys name a purpose and a subject (`login:email:…`); the subject is hashed so no address or email sits in Redis.
    static func redisKey(_ key: String) -> String {
        let (purpose, subject) =
            key.lastIndex(of: ":").map { (key[..<$0], key[key.index(after: $0)...]) } ?? ("", Substring(key))
        let digest = SHA256.hash(data: Data(subject.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
        return "bidforge:rl:\(purpose):\(digest)"
    }

    /// KEYS[1] bucket; ARGV capacity, tokens per millisecond, now in ms. Returns 0 when allowed, else the wait in ms.
    /// A caller's clock that runs behind the bucket's last update refills nothing rather than going backwards.
    static let script = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(bucket[1])
        local at = tonumber(bucket[2])
        if tokens == nil or at == nil then
          tokens = capacity
          at = now
        end
        if now > at then
          tokens = math.min(capacity, tokens + (now - at) * rate)
          at = now
        end
        local wait = 0
        if tokens >= 1 then
          tokens = tokens - 1
        else
          wait = math.ceil((1 - tokens) / rate)
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
        redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
        return wait
        """
}

import NIOConcurrencyHelpers
import Vapor

/// Decides whether one more request under `key` is allowed: per instance in memory, or shared by every instance
/// through Redis (`RedisRateLimiter`).
protocol RateLimiter: Sendable {
    /// nil when allowed; otherwise how long to wait before the next request would be.
    func consume(_ key: String, rule: RateRule, now: Date) async -> TimeInterval?
}

/// `capacity` requests, refilled evenly over `period`.
struct RateRule: Sendable {
    let capacity: Double
    let period: TimeInterval
    var refillPerSecond: Double { capacity / period }

    static func perMinute(_ count: Int) -> RateRule { RateRule(capacity: Double(count), period: 60) }
    static func perHour(_ count: Int) -> RateRule { RateRule(capacity: Double(count), period: 3600) }
}

/// Token buckets in a locked dictionary; idle buckets are dropped so memory stays bounded.
final class InMemoryRateLimiter: RateLimiter {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }
    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    private let maxKeys: Int

    init(maxKeys: Int = 100_000) { self.maxKeys = maxKeys }

    func consume(_ key: String, rule: RateRule, now: Date) -> TimeInterval? {
        buckets.withLockedValue { buckets in
            if buckets.count >= maxKeys {
                buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < rule.period }
            }
            var bucket = buckets[key] ?? Bucket(tokens: rule.capacity, updated: now)
            let elapsed = max(0, now.timeIntervalSince(bucket.updated))
            bucket.tokens = min(rule.capacity, bucket.tokens + elapsed * rule.refillPerSecond)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            return (1 - bucket.tokens) / rule.refillPerSecond
        }
    }
}

extension Application {
    private struct RateLimiterKey: StorageKey { typealias Value = any RateLimiter }

    /// Set once in `configure`.
    var rateLimiter: any RateLimiter {
        get { configured(RateLimiterKey.self, "the rate limiter") }
        set { storage[RateLimiterKey.self] = newValue }
    }
}

extension Request {
    /// The client address used for per-address limits and logs: the peer, or the address a trusted proxy forwarded.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? "unknown"
        return application.settings.trustedProxies.clientAddress(
            peer: peer, forwardedFor: headers.first(name: "X-Forwarded-For"))
    }

    /// Throws 429 `RATE_LIMITED` with `Retry-After` when any of `keys` is over `rule`.
    func enforceRateLimit(_ keys: [String], rule: RateRule) async throws {
        let settings = application.settings
        guard !settings.rateLimitDisabled else { return }
        for key in keys {
            if let wait = await application.rateLimiter.consume(key, rule: rule, now: now) {
                let seconds = max(1, Int(wait.rounded(.up)))
                var error = APIError(
                    .tooManyRequests, "RATE_LIMITED", "Too many requests; retry in \(seconds) s.",
                    details: ["retryAfterSeconds": .int(Int64(seconds))])
                error.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
                throw error
            }
        }
    }
}

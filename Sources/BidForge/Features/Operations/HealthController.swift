import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

struct HealthDTO: Encodable, Sendable {
    struct Check: Encodable, Sendable {
        let status: String
        var message: String?
        var details: [String: JSONValue]?
    }
    let status: String
    let checks: [String: Check]
    let timestamp: Date
}

/// `GET /api/live` (is the process answering? — for a liveness probe: it touches no dependency, so an outage of the
/// database or storage never restarts every pod), `GET /api/health` (is every configured component working?) and
/// `GET /api/ready` (may this instance take traffic?).
struct HealthController: RouteCollection {
    /// The storage probe writes an object: it runs at most this often, however often health is asked.
    static let storageProbeInterval: Duration = .seconds(30)

    func boot(routes: any RoutesBuilder) throws {
        routes.get("live", use: live)
        routes.get("health", use: health)
        routes.get("ready", use: ready)
    }

    func live(_ req: Request) async throws -> Response {
        try Response.json(.ok, ["status": "alive"])
    }

    /// Every component's status for anyone (a load balancer, a status page); the figures behind them (latencies,
    /// memory, free disk, library versions, cache sizes) only for a platform ADMIN's token.
    func health(_ req: Request) async throws -> Response {
        let detailed = (try? await req.optionalCaller())??.role == .admin
        var checks: [String: HealthDTO.Check] = [:]
        checks["database"] = await Self.databaseCheck(req)
        checks["replicas"] = Self.replicasCheck(req.application.readRouting?.replicas)
        checks["redis"] = await Self.redisCheck(req.application)
        checks["cache"] = Self.cacheCheck(req.application)
        checks["storage"] = await req.application.storageProbe.check(every: Self.storageProbeInterval) {
            await Self.storageCheck(req.application)
        }
        checks["imaging"] = Self.imagingCheck(req.application.derivatives.imaging)
        checks["memory"] = Self.memoryCheck(limitBytes: req.application.settings.memoryLimitBytes)
        checks["disk"] = Self.diskCheck(path: req.application.settings.dataDirectory)
        // `degraded` (Redis gone: limits fall back to per-instance memory) keeps serving, so it is not a failure.
        let healthy = checks.values.allSatisfy { ["ok", "disabled", "degraded"].contains($0.status) }
        if !detailed { checks = checks.mapValues { HealthDTO.Check(status: $0.status, message: $0.message) } }
        let body = HealthDTO(status: healthy ? "healthy" : "unhealthy", checks: checks, timestamp: req.now)
        return try Response.json(healthy ? .ok : .serviceUnavailable, body)
    }

    func ready(_ req: Request) async throws -> Response {
        if req.application.isDraining {
            return try Response.json(.serviceUnavailable, ["status": "draining"])
        }
        let migrated = await withTimeout(Self.limit(req.application)) {
            try await Self.appliedMigrations(req.db) >= Migrations.all.count
        }
        let ready = migrated == true
        return try Response.json(
            ready ? .ok : .serviceUnavailable,
            ["status": ready ? "ready" : "not_ready"])
    }

    /// How long one check may take (`HEALTH_CHECK_TIMEOUT_MS`).
    static func limit(_ app: Application) -> Duration { .milliseconds(app.settings.healthCheckTimeoutMilliseconds) }

    /// Runs one check within `limit`: its answer (nil on timeout or error) and how long it took, in ms.
    static func timed<T: Sendable>(
        within limit: Duration, _ body: @escaping @Sendable () async throws -> T
    ) async -> (T?, Int64) {
        let started = ContinuousClock.now
        let answer = await withTimeout(limit, body)
        return (answer, Int64(((ContinuousClock.now - started) / .milliseconds(1)).rounded()))
    }

    /// The database answers and holds every migration this build knows (a database not yet migrated answers, but
    /// every request would fail on it).
    static func databaseCheck(_ req: Request) async -> HealthDTO.Check {
        let limit = limit(req.application)
        let (applied, ms) = await timed(within: limit) { try await appliedMigrations(req.db) }
        guard let applied else {
            return .init(status: "error", message: "The database did not answer within \(limit.milliseconds) ms.")
        }
        guard applied >= Migrations.all.count else {
            return .init(
                status: "error",
                message: "\(Migrations.all.count - applied) migrations are not applied: run `bidforge migrate`.",
                details: [
                    "latencyMs": .int(ms), "applied": .int(Int64(applied)), "known": .int(Int64(Migrations.all.count))
                ])
        }
        return .init(status: "ok", details: ["latencyMs": .int(ms)])
    }

    static func appliedMigrations(_ db: any Database) async throws -> Int {
        // Before the first migration the bookkeeping table itself is missing: nothing is applied.
        do {
            return try await db.sql.raw("SELECT COUNT(*) AS n FROM _fluent_migrations").first()?.decode(
                column: "n", as: Int.self) ?? 0
        } catch  where !DatabaseErrors.isUnavailable(error) {
            return 0
        }
    }

    /// `degraded` while a replica is down or lags past `REPLICA_MAX_LAG_MS`: its reads go to the others or the
    /// primary, which is slower, not broken. Each replica's condition, lag and replayed position are in the details.
    static func replicasCheck(_ replicas: ReplicaSet?) -> HealthDTO.Check {
        guard let replicas else { return .init(status: "disabled") }
        var details: [String: JSONValue] = [:]
        var skipped: [String] = []
        for (replica, status) in replicas.statuses() {
            var entry: [String: JSONValue] = [
                "address": .string(replica.address), "status": .string(status.condition.rawValue)
            ]
            if let lag = status.lag { entry["lagMs"] = .int(lag.milliseconds) }
            if let replayed = status.replayed { entry["replayed"] = .string(replayed.description) }
            if let problem = status.problem { entry["problem"] = .string(problem) }
            details[replica.name] = .object(entry)
            if status.condition != .ok { skipped.append("\(replica.name) (\(status.condition.rawValue))") }
        }
        guard skipped.isEmpty else {
            return .init(
                status: "degraded",
                message: "Reads skip \(skipped.joined(separator: ", ")); they go to the other replicas or the primary.",
                details: details)
        }
        return .init(status: "ok", details: details)
    }

    static func redisCheck(_ app: Application) async -> HealthDTO.Check {
        guard let redis = app.redis else { return .init(status: "disabled") }
        let (answered, ms) = await timed(within: limit(app)) { try await redis.ping() }
        guard answered == true else {
            return .init(
                status: "degraded", message: "Redis is not answering; rate limits are per instance until it returns.")
        }
        return .init(status: "ok", details: ["latencyMs": .int(ms)])
    }

    /// `degraded` while Redis is away: the cache is bypassed (reads go to the database), which is slower, not broken.
    static func cacheCheck(_ app: Application) -> HealthDTO.Check {
        guard let cache = app.cache else { return .init(status: "disabled") }
        guard cache.status == "ok" else {
            return .init(status: "degraded", message: "Redis is not answering; the cache is bypassed until it returns.")
        }
        return .init(
            status: "ok",
            details: [
                "memoryEntries": .int(Int64(cache.memory.count)), "memoryBytes": .int(Int64(cache.memory.bytes)),
                "tiers": .string(
                    ["l1", cache.shared.map { _ in "l2" }, cache.objects.map { _ in "l3" }]
                        .compactMap { $0 }.joined(separator: ","))
            ])
    }

    /// Writes, reads back and deletes a probe object: the whole path a document takes.
    /// libvips is optional: without it originals are served for every variant, so `disabled` is not a failure.
    static func imagingCheck(_ imaging: Imaging) -> HealthDTO.Check {
        imaging.available
            ? .init(status: "ok", details: ["library": "libvips", "version": .string(imaging.version)])
            : .init(
                status: "disabled", message: "Image derivatives are skipped; originals are served.",
                details: ["problem": .string(imaging.problem ?? "")])
    }

    static func storageCheck(_ app: Application) async -> HealthDTO.Check {
        let storage = app.objectStorage
        let key = "health/\(UUID().uuidString.lowercased())"
        let probe = ByteBuffer(string: "bidforge health probe \(key)")
        let limit = limit(app)
        let (ok, ms) = await timed(within: limit) {
            try await storage.put(key, body: probe, contentType: "text/plain")
            let back = try await storage.get(key)
            try await storage.delete(key)
            return back == probe
        }
        return ok == true
            ? .init(status: "ok", details: ["backend": .string(storage.kind), "latencyMs": .int(ms)])
            : .init(
                status: "error",
                message:
                    "The \(storage.kind) storage did not store and return a probe object within \(limit.milliseconds) ms.",
                details: ["backend": .string(storage.kind)])
    }

    static func memoryCheck(limitBytes: Int) -> HealthDTO.Check {
        guard let rss = ProcessStats.residentBytes() else {
            return .init(status: "ok", message: "RSS unavailable on this platform")
        }
        let details: [String: JSONValue] = ["rssBytes": .int(Int64(rss)), "limitBytes": .int(Int64(limitBytes))]
        return rss <= limitBytes
            ? .init(status: "ok", details: details)
            : .init(status: "error", message: "Resident memory is over MEMORY_LIMIT_MB.", details: details)
    }

    static func diskCheck(path: String) -> HealthDTO.Check {
        var stats = statvfs()
        let target = FileManager.default.fileExists(atPath: path) ? path : "."
        guard statvfs(target, &stats) == 0 else { return .init(status: "error", message: "Cannot read free space.") }
        let free = Int64(stats.f_bavail) * Int64(stats.f_frsize)
        // Below 100 MB free, writes (SQLite, uploads) are about to fail.
        return .init(status: free > 100_000_000 ? "ok" : "error", details: ["freeBytes": .int(free)])
    }
}

/// Runs `body`, giving up after `limit`; nil on timeout or error. The caller is released at the limit even if
/// `body` ignores cancellation (a database that stopped answering), which a task group would not do.
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async -> T? {
    let state = NIOLockedValueBox<(CheckedContinuation<T?, Never>?, Bool)>((nil, false))
    @Sendable func finish(_ value: T?) {
        let continuation: CheckedContinuation<T?, Never>? = state.withLockedValue { box in
            guard !box.1, let c = box.0 else { return nil }
            box.1 = true
            return c
        }
        continuation?.resume(returning: value)
    }
    return await withCheckedContinuation { continuation in
        state.withLockedValue { $0.0 = continuation }
        let work = Task { finish(try? await body()) }
        Task {
            try? await Task.sleep(for: limit)
            work.cancel()
            finish(nil)
        }
    }
}

/// The last answer of an expensive check, shared by every caller for `interval`; one run at a time.
final class CachedCheck: Sendable {
    private let last = NIOLockedValueBox<(task: Task<HealthDTO.Check, Never>, at: ContinuousClock.Instant)?>(nil)

    func check(every interval: Duration, _ run: @escaping @Sendable () async -> HealthDTO.Check) async
        -> HealthDTO.Check
    {
        let now = ContinuousClock.now
        let task = last.withLockedValue { last -> Task<HealthDTO.Check, Never> in
            if let last, now - last.at < interval { return last.task }
            let fresh = Task { await run() }
            last = (fresh, now)
            return fresh
        }
        return await task.value
    }
}

extension Application {
    private struct StorageProbeKey: StorageKey { typealias Value = CachedCheck }

    var storageProbe: CachedCheck {
        if let probe = storage[StorageProbeKey.self] { return probe }
        let probe = CachedCheck()
        storage[StorageProbeKey.self] = probe
        return probe
    }
}

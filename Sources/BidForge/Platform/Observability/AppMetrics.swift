import Fluent
import NIOConcurrencyHelpers
import Prometheus
import Vapor

/// The application's Prometheus registry and the series BidForge maintains itself. One per Application (tests build
/// many), so nothing is bootstrapped globally and nothing can be bootstrapped twice.
final class AppMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let recentUsers = NIOLockedValueBox<[UUID: Date]>([:])
    private let reportedCPUSeconds = NIOLockedValueBox<Double>(0)
    static let activeWindow: TimeInterval = 5 * 60
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10)
    ]

    func recordRequest(method: String, route: String, status: UInt, duration: Duration, userId: UUID?, now: Date) {
        let labels = [("method", method), ("route", route), ("status_code", String(status))]
        registry.makeDurationHistogram(
            name: "http_request_duration_seconds", labels: labels, buckets: Self.durationBuckets
        )
        .recordNanoseconds(duration.nanoseconds)
        registry.makeCounter(name: "http_requests_total", labels: labels).increment()
        if let userId { recentUsers.withLockedValue { $0[userId] = now } }
    }

    /// One look into one tier of a cache (`tier` l1, l2, l3, or `all` for a bypass): `result` is hit, miss or bypass.
    func recordCacheRequest(cache: String, tier: String, result: String, count: Int = 1) {
        registry.makeCounter(
            name: "cache_requests_total", labels: [("cache", cache), ("tier", tier), ("result", result)]
        )
        .increment(by: Int64(count))
    }

    /// A use case's visit to a database (`target` primary, replica1 …): a routed read, or a committed write.
    func recordDatabaseVisit(target: String) {
        registry.makeCounter(name: "db_queries_total", labels: [("target", target)]).increment()
    }

    /// One poll of a replica: whether it answers as a standby, and how far its replay is behind the primary.
    func recordReplica(_ name: String, up: Bool, lag: Duration?) {
        registry.makeGauge(name: "db_replica_up", labels: [("replica", name)]).set(Double(up ? 1 : 0))
        if let lag {
            registry.makeGauge(name: "db_replica_lag_seconds", labels: [("replica", name)]).set(
                Double(lag.milliseconds) / 1000)
        }
    }

    /// Rows the retention job deleted from `table`.
    func recordRetention(table: String, deleted: Int) {
        registry.makeCounter(name: "retention_deleted_rows_total", labels: [("table", table)]).increment(
            by: Int64(deleted))
    }

    /// Share of a cache's requests answered by some tier, since start.
    func recordCacheHitRatio(cache: String, ratio: Double) {
        registry.makeGauge(name: "cache_hit_ratio", labels: [("cache", cache)]).set(ratio)
    }

    /// Refreshes the gauges that are sampled rather than counted, then renders the text format. `pool` is nil where
    /// the database cannot report its connections (SQLite); `max` is always reported.
    func render(now: Date, poolCapacity: Int, pool: DatabasePoolSample?, realtimeSockets: Int, outboxPending: Int?)
        -> String
    {
        registry.makeGauge(name: "realtime_connections").set(Double(realtimeSockets))
        if let outboxPending { registry.makeGauge(name: "outbox_pending_events").set(Double(outboxPending)) }
        let active = recentUsers.withLockedValue { users in
            users = users.filter { now.timeIntervalSince($0.value) < Self.activeWindow }
            return users.count
        }
        registry.makeGauge(name: "active_users_total").set(Double(active))
        registry.makeGauge(name: "db_pool_connections", labels: [("state", "max")]).set(Double(poolCapacity))
        if let pool {
            registry.makeGauge(name: "db_pool_connections", labels: [("state", "in_use")]).set(Double(pool.inUse))
            registry.makeGauge(name: "db_pool_connections", labels: [("state", "idle")]).set(Double(pool.idle))
        }
        if let cpu = ProcessStats.cpuSeconds() {
            // A counter moves only forward: add what was used since the last scrape.
            let delta = reportedCPUSeconds.withLockedValue { reported in
                defer { reported = max(reported, cpu) }
                return max(0, cpu - reported)
            }
            registry.makeCounter(name: "process_cpu_seconds_total").increment(by: delta)
        }
        if let rss = ProcessStats.residentBytes() {
            registry.makeGauge(name: "process_resident_memory_bytes").set(Double(rss))
        }
        if let fds = ProcessStats.openFileDescriptors() {
            registry.makeGauge(name: "process_open_fds").set(Double(fds))
        }
        return registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    var milliseconds: Int64 { nanoseconds / 1_000_000 }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = AppMetrics }

    var metrics: AppMetrics {
        if let metrics = storage[MetricsKey.self] { return metrics }
        let metrics = AppMetrics()
        storage[MetricsKey.self] = metrics
        return metrics
    }
}

struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("metrics", use: metrics)
    }

    func metrics(_ req: Request) async throws -> Response {
        let settings = req.application.settings
        // With METRICS_TOKEN set, only a scraper that presents it reads the process's figures.
        if let token = settings.metricsToken {
            let presented = req.headers.bearerAuthorization?.token ?? ""
            guard presented.utf8.count == token.utf8.count,
                zip(presented.utf8, token.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
            else { throw APIError.unauthenticated }
        }
        let pool = settings.database.isPostgres ? settings.databasePoolSize * System.coreCount : System.coreCount
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(
            type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        let app = req.application
        let sample = await DatabasePoolSample.sample(app)
        // Events waiting for dispatch: growing means the dispatcher is stuck or the database is slow.
        let pending = await withTimeout(.seconds(1)) {
            try await OutboxEventModel.query(on: app.db).filter(\.$dispatchedAt == nil).count()
        }
        let text = app.metrics.render(
            now: req.now, poolCapacity: pool, pool: sample,
            realtimeSockets: app.realtimeHub.connectedCount, outboxPending: pending)
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}

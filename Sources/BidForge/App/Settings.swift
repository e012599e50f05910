import BidForgeCore
import Foundation
import Logging

/// Every environment variable BidForge reads, typed, in one place.
public struct Settings: Sendable {
    public enum DatabaseLocation: Sendable, Equatable {
        case sqliteFile(path: String)
        case sqliteMemory
        case postgres(url: String)

        public var isPostgres: Bool { if case .postgres = self { true } else { false } }
    }

    /// Documents on local disk (default) or in an S3-compatible bucket (`S3_BUCKET` and friends).
    public enum StorageLocation: Sendable, Equatable {
        case local(directory: String)
        case s3(endpoint: URL, bucket: String, region: String, accessKeyId: String, secretAccessKey: String)

        public var kind: String { if case .s3 = self { "s3" } else { "local" } }
    }

    public enum Environment: String, Sendable {
        case development, testing, production
    }

    public var environment: Environment
    public var database: DatabaseLocation
    /// `nil` until resolved: development generates a secret and keeps it in `dataDirectory`.
    public var jwtSecret: String?
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level
    public var dataDirectory: String
    /// Read replicas of the PostgreSQL primary (`DATABASE_REPLICA_URLS`, comma separated): reads that tolerate lag go
    /// there once a replica has replayed the caller's own last write.
    public var databaseReplicaURLs: [String]
    /// A replica further behind than this is skipped until it catches up (`REPLICA_MAX_LAG_MS`).
    public var replicaMaxLagMilliseconds: Int
    /// How long a user's consistency token is kept after a write (`CONSISTENCY_WINDOW_SECONDS`): longer than any lag
    /// a replica is allowed, so no replica still short of the write can serve the user meanwhile.
    public var consistencyWindowSeconds: Int
    /// Connections per event loop (Vapor keeps one pool per loop); total = this × cores.
    public var databasePoolSize: Int
    /// How long a request waits for a free connection before it fails with 503 `UNAVAILABLE`.
    public var databasePoolTimeoutSeconds: Int
    /// bcrypt cost; 12 or more outside tests.
    public var bcryptCost: Int
    /// Run migrations when the app boots (default outside production).
    public var autoMigrate: Bool
    public var accessTokenTTLSeconds: Int
    public var refreshTokenTTLSeconds: Int
    public var maxJSONBodyBytes: Int
    /// The scaling plan's services; one binary serves any subset (`--services` or `SERVICES`), all by default.
    public enum Service: String, Sendable, CaseIterable {
        case auth, projects, bids, notifications, analytics, files
        /// The browser pages (sign-in, search, dashboard, project pages).
        case web
    }
    public var services: Set<Service>

    public enum LogFormat: String, Sendable { case json, text }
    /// `json` (one object per line, the default in production) or `text`.
    public var logFormat: LogFormat
    /// Names this process in logs and in the `X-Instance` header (`INSTANCE_ID`, default host:pid).
    public var instanceName: String
    /// `RATE_LIMIT_DISABLED=true` turns every limit off (load tests, test suites).
    public var rateLimitDisabled: Bool
    /// Login attempts per minute, per client address and per email.
    public var loginAttemptsPerMinute: Int
    /// Registrations per hour per client address.
    public var registrationsPerHour: Int
    /// Requests per minute per client address, for every route except the probes and `/metrics`.
    public var requestsPerMinutePerAddress: Int
    /// Writes (POST, PATCH, PUT, DELETE) per minute per signed-in user.
    public var writesPerMinutePerUser: Int
    /// `X-Forwarded-For` (and `X-Forwarded-Proto`) are believed only from these addresses (`TRUSTED_PROXIES`).
    public var trustedProxies: TrustedProxies
    /// `redis://host:port/db`: rate limits shared by every instance. Without it, limits are per instance.
    public var redisURL: String?
    /// How long a Redis connect or command may take before the caller falls back (`REDIS_TIMEOUT_MS`): short, because
    /// a request waiting on a rate-limit decision must not wait long for a Redis that is not answering.
    public var redisTimeoutMilliseconds: Int
    /// gzip responses over 1 KB when the client accepts it (`COMPRESSION`); turn off where a proxy compresses instead.
    public var compression: Bool
    /// Origins allowed to call the API from a browser (`CORS_ALLOWED_ORIGINS`, comma separated, or `*`); none by default.
    public var corsAllowedOrigins: [String]
    /// `/api/health` reports memory as failing above this resident size (`MEMORY_LIMIT_MB`).
    public var memoryLimitBytes: Int
    /// How long `/api/health` and `/api/ready` wait for each dependency before calling it failed
    /// (`HEALTH_CHECK_TIMEOUT_MS`); keep it under the probe's own timeout.
    public var healthCheckTimeoutMilliseconds: Int
    /// On SIGTERM: seconds to keep serving with `/api/ready` at 503 so load balancers stop sending traffic
    /// (`SHUTDOWN_DRAIN_SECONDS`), then at most this long for in-flight requests (`SHUTDOWN_GRACE_SECONDS`).
    public var shutdownDrainSeconds: Int
    public var shutdownGraceSeconds: Int
    /// A connection that neither sends nor receives for this long is closed (`HTTP_IDLE_TIMEOUT_SECONDS`): a stalled
    /// upload does not hold its memory and files forever. Longer than the realtime ping, which keeps sockets busy.
    public var httpIdleTimeoutSeconds: Int
    /// When set, `/metrics` answers only `Authorization: Bearer <METRICS_TOKEN>` (a scraper's secret); unset, it is
    /// open, for a network where only the scraper reaches the instances.
    public var metricsToken: String?
    /// Seconds between WebSocket pings; a socket that misses a pong is closed (`REALTIME_PING_SECONDS`).
    public var realtimePingSeconds: Int
    /// How long rows that only serve a short window are kept (`RETENTION_*`): stored idempotent responses (hours),
    /// dispatched outbox events — the `?since=` replay window — (days), the owners' download log (days), and expired
    /// refresh tokens, sessions and realtime tickets after they expired (days).
    public var retention: Retention
    public struct Retention: Sendable, Equatable {
        public var idempotencyHours: Int
        public var outboxDays: Int
        public var downloadsDays: Int
        public var expiredDays: Int
    }
    /// Messages waiting per socket before a slow client is disconnected with 1013 (`REALTIME_QUEUE_LIMIT`).
    public var realtimeQueueLimit: Int
    public var storage: StorageLocation
    /// Image derivatives with libvips (`IMAGING`, on by default; off skips them even when the library is present).
    public var imaging: Bool
    /// Names tried with dlopen, `;`-separated (`IMAGING_LIBRARIES`).
    public var imagingLibraries: String
    /// Images with more pixels than this are served as uploaded, without derivatives (`IMAGING_MAX_MEGAPIXELS`): the
    /// header is read first, so a small file that decodes to a huge image costs nothing.
    public var imagingMaxMegapixels: Int
    /// …and with more than this many megabytes of decoded pixels (`IMAGING_MAX_DECODE_MB`: width × height × channels ×
    /// bytes per channel — a 16-bit image costs twice an 8-bit one), so one image never takes a pod past its memory.
    public var imagingMaxDecodeMB: Int
    /// Prefix for every static asset URL, e.g. `https://cdn.example.com` (`ASSET_PREFIX`; empty serves them from here).
    public var assetPrefix: String
    /// Where `static/` (stylesheets, icons, scripts) is read from at start (`PUBLIC_DIR`).
    public var publicDirectory: String
    /// Where the Leaf page templates are (`VIEWS_DIR`).
    public var viewsDirectory: String
    /// The read cache (`CACHE_ENABLED`, on by default; off for the benchmark's "what does the cache buy" run).
    public var cacheEnabled: Bool
    /// The in-process tier's budget (`CACHE_MEMORY_MB`, 64).
    public var cacheMemoryBytes: Int
    /// Safety net for entries no event invalidates in time (`CACHE_TTL_SECONDS`, 300).
    public var cacheTTLSeconds: Int

    public struct Problems: Error, CustomStringConvertible, Sendable {
        public let messages: [String]
        public var description: String {
            "BidForge cannot start:\n" + messages.map { "  - \($0)" }.joined(separator: "\n")
        }
    }

    /// Reads settings from `env`, listing every missing or malformed variable by name.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings
    {
        var problems: [String] = []
        func int(_ name: String, _ fallback: Int, min: Int = 0, max: Int = Int.max) -> Int {
            guard let raw = env[name], !raw.isEmpty else { return fallback }
            guard let value = Int(raw), value >= min, value <= max else {
                problems.append("\(name) must be a whole number between \(min) and \(max) (got \"\(raw)\")")
                return fallback
            }
            return value
        }
        func bool(_ name: String, _ fallback: Bool) -> Bool {
            guard let raw = env[name]?.lowercased(), !raw.isEmpty else { return fallback }
            switch raw {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default:
                problems.append("\(name) must be true or false (got \"\(raw)\")")
                return fallback
            }
        }

        let environment: Environment
        switch (env["APP_ENV"] ?? "development").lowercased() {
        case "production", "prod": environment = .production
        case "testing", "test": environment = .testing
        case "development", "dev", "": environment = .development
        case let other:
            problems.append("APP_ENV must be development, testing or production (got \"\(other)\")")
            environment = .development
        }

        let dataDirectory = env["DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./data"
        var database = DatabaseLocation.sqliteFile(path: dataDirectory + "/bidforge.sqlite")
        if let url = env["DATABASE_URL"], !url.isEmpty {
            do { database = try parseDatabaseURL(url) } catch { problems.append(error.description) }
        }

        var jwtSecret = env["JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        if let secret = jwtSecret, secret.utf8.count < 32 {
            // HMAC-SHA256 keys shorter than the hash are weak (and JWTKit asserts on them).
            problems.append("JWT_SECRET must be at least 32 characters")
            jwtSecret = nil
        } else if environment == .production && jwtSecret == nil {
            problems.append("JWT_SECRET is required when APP_ENV=production (32 or more random characters)")
        }

        let logLevelName = (env["LOG_LEVEL"] ?? "info").lowercased()
        let logLevel =
            Logger.Level(rawValue: logLevelName)
            ?? {
                problems.append(
                    "LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical (got \"\(logLevelName)\")"
                )
                return .info
            }()

        let bcryptCost = int("BCRYPT_COST", 12, min: 4, max: 31)
        if environment == .production && bcryptCost < 12 {
            problems.append("BCRYPT_COST must be 12 or more when APP_ENV=production")
        }

        let settings = Settings(
            environment: environment,
            database: database,
            jwtSecret: jwtSecret,
            host: env["HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1",
            port: int("PORT", 8080, min: 0, max: 65535),
            logLevel: logLevel,
            dataDirectory: dataDirectory,
            databaseReplicaURLs: (env["DATABASE_REPLICA_URLS"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            replicaMaxLagMilliseconds: int("REPLICA_MAX_LAG_MS", 1000, min: 10, max: 600_000),
            consistencyWindowSeconds: int("CONSISTENCY_WINDOW_SECONDS", 60, min: 1, max: 86_400),
            databasePoolSize: int("DB_POOL_SIZE", 8, min: 1, max: 200),
            databasePoolTimeoutSeconds: int("DB_POOL_TIMEOUT_SECONDS", 5, min: 1, max: 120),
            bcryptCost: bcryptCost,
            autoMigrate: bool("AUTO_MIGRATE", environment != .production),
            accessTokenTTLSeconds: int("ACCESS_TOKEN_TTL_SECONDS", 15 * 60, min: 30, max: 24 * 3600),
            refreshTokenTTLSeconds: int("REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600, min: 60, max: 365 * 24 * 3600),
            maxJSONBodyBytes: 1 << 20,
            services: {
                guard let raw = env["SERVICES"], !raw.isEmpty else { return Set(Service.allCases) }
                do { return try parseServices(raw) } catch let error as ServicesError {
                    problems.append(error.description)
                    return Set(Service.allCases)
                } catch {
                    return Set(Service.allCases)
                }
            }(),
            logFormat: {
                switch env["LOG_FORMAT"]?.lowercased() {
                case nil, "": return environment == .production ? .json : .text
                case "json": return .json
                case "text": return .text
                case let other?:
                    problems.append("LOG_FORMAT must be json or text (got \"\(other)\")")
                    return .text
                }
            }(),
            instanceName: env["INSTANCE_ID"].flatMap { $0.isEmpty ? nil : $0 }
                ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)",
            rateLimitDisabled: bool("RATE_LIMIT_DISABLED", false),
            loginAttemptsPerMinute: int("RATE_LIMIT_LOGIN_PER_MINUTE", 10, min: 1),
            registrationsPerHour: int("RATE_LIMIT_REGISTER_PER_HOUR", 20, min: 1),
            requestsPerMinutePerAddress: int("RATE_LIMIT_PER_ADDRESS_PER_MINUTE", 1200, min: 1),
            writesPerMinutePerUser: int("RATE_LIMIT_WRITES_PER_MINUTE", 300, min: 1),
            trustedProxies: {
                do { return try TrustedProxies(parsing: env["TRUSTED_PROXIES"] ?? "") } catch {
                    problems.append(String(describing: error))
                    return .none
                }
            }(),
            redisURL: {
                guard let url = env["REDIS_URL"], !url.isEmpty else { return nil }
                guard url.hasPrefix("redis://"), URLComponents(string: url)?.host?.isEmpty == false else {
                    problems.append("REDIS_URL must look like redis://host:6379/0")
                    return nil
                }
                return url
            }(),
            redisTimeoutMilliseconds: int("REDIS_TIMEOUT_MS", 500, min: 10, max: 60_000),
            compression: bool("COMPRESSION", true),
            corsAllowedOrigins: (env["CORS_ALLOWED_ORIGINS"] ?? "").split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            memoryLimitBytes: int("MEMORY_LIMIT_MB", 512, min: 16, max: 1 << 20) << 20,
            healthCheckTimeoutMilliseconds: int("HEALTH_CHECK_TIMEOUT_MS", 2000, min: 50, max: 60_000),
            shutdownDrainSeconds: int("SHUTDOWN_DRAIN_SECONDS", environment == .production ? 5 : 0, min: 0, max: 300),
            shutdownGraceSeconds: int("SHUTDOWN_GRACE_SECONDS", 10, min: 0, max: 600),
            httpIdleTimeoutSeconds: int("HTTP_IDLE_TIMEOUT_SECONDS", 75, min: 1, max: 3_600),
            metricsToken: env["METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            realtimePingSeconds: int("REALTIME_PING_SECONDS", 30, min: 1, max: 3600),
            retention: Retention(
                idempotencyHours: int("RETENTION_IDEMPOTENCY_HOURS", 24, min: 1, max: 24 * 365),
                outboxDays: int("RETENTION_OUTBOX_DAYS", 7, min: 1, max: 3650),
                downloadsDays: int("RETENTION_DOWNLOADS_DAYS", 365, min: 1, max: 3650),
                expiredDays: int("RETENTION_EXPIRED_DAYS", 7, min: 0, max: 3650)),
            realtimeQueueLimit: int("REALTIME_QUEUE_LIMIT", 256, min: 1, max: 100_000),
            storage: {
                let bucket = env["S3_BUCKET"].flatMap { $0.isEmpty ? nil : $0 }
                guard let bucket else {
                    return .local(
                        directory: env["FILES_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? dataDirectory + "/files")
                }
                let endpointText = env["S3_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://s3.amazonaws.com"
                let region = env["S3_REGION"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
                var missing: [String] = []
                let key = env["AWS_ACCESS_KEY_ID"] ?? "", secret = env["AWS_SECRET_ACCESS_KEY"] ?? ""
                if key.isEmpty { missing.append("AWS_ACCESS_KEY_ID") }
                if secret.isEmpty { missing.append("AWS_SECRET_ACCESS_KEY") }
                guard let endpoint = URL(string: endpointText), let scheme = endpoint.scheme,
                    ["http", "https"].contains(scheme),
                    endpoint.host?.isEmpty == false
                else {
                    problems.append("S3_ENDPOINT must look like https://s3.amazonaws.com or http://127.0.0.1:9000")
                    return .local(directory: dataDirectory + "/files")
                }
                if !missing.isEmpty {
                    problems.append("S3_BUCKET is set, so \(missing.joined(separator: " and ")) must be set too")
                }
                return .s3(
                    endpoint: endpoint, bucket: bucket, region: region, accessKeyId: key, secretAccessKey: secret)
            }(),
            imaging: bool("IMAGING", true),
            imagingLibraries: env["IMAGING_LIBRARIES"].flatMap { $0.isEmpty ? nil : $0 } ?? "libvips.so.42;libvips.so",
            imagingMaxMegapixels: int("IMAGING_MAX_MEGAPIXELS", 100, min: 1, max: 1_000),
            imagingMaxDecodeMB: int("IMAGING_MAX_DECODE_MB", 192, min: 1, max: 16_384),
            assetPrefix: {
                let prefix = (env["ASSET_PREFIX"] ?? "").trimmingCharacters(in: .whitespaces)
                guard !prefix.isEmpty else { return "" }
                guard let url = URL(string: prefix), ["http", "https"].contains(url.scheme ?? ""),
                    url.host?.isEmpty == false,
                    url.query == nil
                else {
                    problems.append("ASSET_PREFIX must look like https://cdn.example.com (got \"\(prefix)\")")
                    return ""
                }
                return prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
            }(),
            publicDirectory: env["PUBLIC_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./Public",
            viewsDirectory: env["VIEWS_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "./Resources/Views",
            cacheEnabled: bool("CACHE_ENABLED", true),
            cacheMemoryBytes: int("CACHE_MEMORY_MB", 64, min: 1, max: 1 << 16) << 20,
            cacheTTLSeconds: int("CACHE_TTL_SECONDS", 300, min: 1, max: 86_400)
        )
        if settings.httpIdleTimeoutSeconds <= settings.realtimePingSeconds {
            // The ping is what keeps a quiet live socket from looking idle.
            problems.append(
                "HTTP_IDLE_TIMEOUT_SECONDS (\(settings.httpIdleTimeoutSeconds)) must be longer than REALTIME_PING_SECONDS (\(settings.realtimePingSeconds))"
            )
        }
        if !settings.databaseReplicaURLs.isEmpty {
            if !settings.database.isPostgres {
                problems.append(
                    "DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL (replicas are PostgreSQL standbys)")
            }
            for url in settings.databaseReplicaURLs where (try? parseDatabaseURL(url))?.isPostgres != true {
                problems.append("DATABASE_REPLICA_URLS: each replica must look like postgres://user:pass@host:port/db")
            }
        }
        if settings.consistencyWindowSeconds * 1000 <= settings.replicaMaxLagMilliseconds {
            problems.append(
                "CONSISTENCY_WINDOW_SECONDS (\(settings.consistencyWindowSeconds)) must be longer than REPLICA_MAX_LAG_MS (\(settings.replicaMaxLagMilliseconds) ms)"
            )
        }
        if !problems.isEmpty { throw Problems(messages: problems) }
        return settings
    }

    public struct ServicesError: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// `auth,projects,bids` → the set; unknown names are refused with the list of valid ones.
    public static func parseServices(_ raw: String) throws(ServicesError) -> Set<Service> {
        var services = Set<Service>()
        for name in raw.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
        where !name.isEmpty {
            guard let service = Service(rawValue: name) else {
                throw ServicesError(
                    description:
                        "unknown service \"\(name)\" in --services/SERVICES; choose from \(Service.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            services.insert(service)
        }
        guard !services.isEmpty else { throw ServicesError(description: "--services/SERVICES names no service") }
        return services
    }

    struct DatabaseURLError: Error, CustomStringConvertible {
        let description: String
    }

    /// `postgres://user:pass@host:port/db`, `sqlite:///abs/path`, `sqlite://relative/path` or `sqlite::memory:`.
    static func parseDatabaseURL(_ url: String) throws(DatabaseURLError) -> DatabaseLocation {
        if url == "sqlite::memory:" || url == "sqlite://:memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw DatabaseURLError(
                    description: "DATABASE_URL sqlite:// needs a file path, e.g. sqlite://data/dev.sqlite")
            }
            return .sqliteFile(path: path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: url), components.host?.isEmpty == false, components.user != nil
            else {
                throw DatabaseURLError(description: "DATABASE_URL must look like postgres://user:pass@host:port/db")
            }
            return .postgres(url: url)
        }
        throw DatabaseURLError(
            description: "DATABASE_URL must start with postgres://, postgresql:// or sqlite:// (got a different scheme)"
        )
    }
}

import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JWT
import SQLKit
import Vapor

/// Builds the BidForge application: the one builder used by `main` and by the tests.
public func configure(_ app: Application, settings: Settings) async throws {
    app.settings = settings
    app.isDraining = false
    app.logger.logLevel = settings.logLevel
    app.http.server.configuration.hostname = settings.host
    app.http.server.configuration.port = settings.port
    // BidForge records its own request metrics (route pattern, status_code) in APIMiddleware.
    app.http.server.configuration.reportMetrics = false
    app.http.server.configuration.responseCompression = Compression.serverConfiguration(enabled: settings.compression)
    app.http.server.configuration.shutdownTimeout = .seconds(Int64(settings.shutdownGraceSeconds))
    app.http.server.configuration.idleTimeout = .seconds(Int64(settings.httpIdleTimeoutSeconds))
    app.routes.defaultMaxBodySize = ByteCount(value: settings.maxJSONBodyBytes)
    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    app.decoyPasswordHash = try Bcrypt.hash(SecureToken.generate(), cost: settings.bcryptCost)

    ContentConfiguration.global.use(encoder: JSONCoding.encoder, for: .json)
    ContentConfiguration.global.use(decoder: JSONCoding.decoder, for: .json)

    try configureDatabase(app, settings: settings)
    let secret = try settings.jwtSecret ?? DevelopmentSecret.loadOrCreate(in: settings.dataDirectory)
    await app.jwt.keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)

    if let redisURL = settings.redisURL {
        try app.useRedis(url: redisURL, timeoutMilliseconds: settings.redisTimeoutMilliseconds)
    }
    try configureReplicas(app, settings: settings)
    try app.configureEvents(redisURL: settings.redisURL)
    app.configureObjectStorage(settings.storage)
    app.useCache(settings: settings)
    if app.cache != nil { app.databases.useCacheTouching() }
    app.databases.middleware.use(ProjectTradesSync())
    app.configureImaging()
    app.staticAssets = StaticAssets.scan(settings.publicDirectory + "/static", prefix: settings.assetPrefix)
    app.configurePages(viewsDirectory: settings.viewsDirectory)
    app.rateLimiter = app.redis.map { RedisRateLimiter(redis: $0, logger: app.logger) } ?? InMemoryRateLimiter()
    app.requestLog = LoggerRequestLogSink(logger: app.logger, instance: settings.instanceName)
    app.middleware = Middlewares()
    // CORS outermost, so that error responses rendered by APIMiddleware carry its headers too.
    if let cors = CORSSettings(origins: settings.corsAllowedOrigins) {
        app.middleware.use(cors.middleware)
    }
    app.middleware.use(APIMiddleware(settings, readRouting: app.readRouting))
    app.middleware.use(RateLimitMiddleware())
    try routes(app)

    app.migrations.add(Migrations.all)
    if settings.autoMigrate {
        try await app.autoMigrate()
    }
}

private func configureDatabase(_ app: Application, settings: Settings) throws {
    switch settings.database {
    case .postgres(let url):
        app.databases.use(try postgres(url, settings: settings), as: .psql, isDefault: true)
    case .sqliteFile(let path):
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        app.databases.use(
            .sqlite(
                .file(path), connectionPoolTimeout: .seconds(Int64(settings.databasePoolTimeoutSeconds)),
                sqlLogLevel: .trace), as: .sqlite)
        app.lifecycle.use(SQLiteTuning())
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
    }
}

private func postgres(_ url: String, settings: Settings) throws -> DatabaseConfigurationFactory {
    var config = try SQLPostgresConfiguration(url: url)
    if !url.contains("sslmode") && !url.contains("tlsmode") { config.coreConfiguration.tls = .disable }
    config.coreConfiguration.options.additionalStartupParameters = [
        ("application_name", DatabasePoolSample.applicationName(instance: settings.instanceName))
    ]
    return .postgres(
        configuration: config,
        maxConnectionsPerEventLoop: settings.databasePoolSize,
        connectionPoolTimeout: .seconds(Int64(settings.databasePoolTimeoutSeconds)),
        sqlLogLevel: .trace)
}

/// Each replica is a database of its own (`replica1` …); `ReadRouting` decides per read whether one may serve it.
private func configureReplicas(_ app: Application, settings: Settings) throws {
    guard !settings.databaseReplicaURLs.isEmpty else { return }
    var replicas: [ReplicaSet.Replica] = []
    for (index, url) in settings.databaseReplicaURLs.enumerated() {
        let name = "replica\(index + 1)"
        let id = DatabaseID(string: name)
        app.databases.use(try postgres(url, settings: settings), as: id, isDefault: false)
        let parts = URLComponents(string: url)
        replicas.append(.init(name: name, id: id, address: "\(parts?.host ?? "?"):\(parts?.port ?? 5432)"))
    }
    let window = Duration.seconds(settings.consistencyWindowSeconds)
    app.readRouting = ReadRouting(
        replicas: ReplicaSet(replicas: replicas, maxLag: .milliseconds(settings.replicaMaxLagMilliseconds)),
        tokens: app.redis.map { RedisConsistencyTokens(redis: $0, window: window) }
            ?? InMemoryConsistencyTokens(window: window),
        metrics: app.metrics)
}

/// WAL lets readers work while one writer writes; it is a property of the file, so setting it once suffices.
private struct SQLiteTuning: LifecycleHandler {
    func willBootAsync(_ application: Application) async throws {
        try await application.db.sql.raw("PRAGMA journal_mode = WAL").run()
    }
}

/// Without `JWT_SECRET` (development only) a random secret is generated once and kept beside the data.
enum DevelopmentSecret {
    static func loadOrCreate(in directory: String) throws -> String {
        let path = directory + "/jwt-secret"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8), existing.count >= 32 {
            return existing.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secret = SecureToken.generate(bytes: 48)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw Settings.Problems(messages: [
                "cannot write the development JWT secret to \(path); set JWT_SECRET or DATA_DIR"
            ])
        }
        return secret
    }
}

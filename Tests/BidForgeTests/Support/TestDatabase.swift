import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

@testable import BidForge

/// Which database the API tests run on: `BIDFORGE_TEST_DB=sqlite` (default) or `postgres`, with
/// `BIDFORGE_TEST_POSTGRES_URL` naming a server to create throwaway databases on. With
/// `BIDFORGE_TEST_POSTGRES_POOLER_URL` (a PgBouncer in transaction mode in front of that server, with a `*` database
/// entry) the application under test connects through the pooler; creating and migrating databases stays direct.
enum TestDatabase {
    static var kind: String { ProcessInfo.processInfo.environment["BIDFORGE_TEST_DB"] ?? "sqlite" }
    static var isPostgres: Bool { kind == "postgres" }

    static var poolerURL: String? {
        ProcessInfo.processInfo.environment["BIDFORGE_TEST_POSTGRES_POOLER_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var adminURL: String {
        ProcessInfo.processInfo.environment["BIDFORGE_TEST_POSTGRES_URL"]
            ?? "postgres://postgres@127.0.0.1:5432/postgres"
    }

    /// A fresh, migrated database for one test, and how to get rid of it.
    static func make() async throws -> (location: Settings.DatabaseLocation, cleanup: @Sendable () async -> Void) {
        if isPostgres {
            let name = try await PostgresTemplate.shared.clone()
            let url = try PostgresTemplate.url(forDatabase: name, server: poolerURL ?? adminURL)
            return (.postgres(url: url), { await PostgresTemplate.shared.drop(name) })
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bidforge-tests")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(UUID().uuidString).sqlite").path
        return (
            .sqliteFile(path: path),
            {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        )
    }
}

/// A migrated template database, made once per test process and cloned for each test (much faster than
/// migrating every time). Refuses to touch anything but a local server and databases it named itself.
actor PostgresTemplate {
    static let shared = PostgresTemplate()
    static let prefix = "bf_test_"
    private var template: Task<String, Error>?

    static func url(forDatabase name: String, server: String = TestDatabase.adminURL) throws -> String {
        guard var components = URLComponents(string: server) else {
            throw TestSetupError("bad BIDFORGE_TEST_POSTGRES_URL")
        }
        guard ["127.0.0.1", "localhost", "::1", "[::1]"].contains(components.host ?? "") else {
            throw TestSetupError(
                "test databases are only created on a local PostgreSQL (got host \(components.host ?? "?"))")
        }
        components.path = "/" + name
        return components.string!
    }

    func clone() async throws -> String {
        let template = try await ensureTemplate()
        let name = Self.prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await Self.admin { sql in
            var attempt = 0
            while true {
                do {
                    try await sql.raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: template)").run()
                    return
                } catch {
                    attempt += 1
                    if attempt > 20 { throw error }
                    try await Task.sleep(for: .milliseconds(50 * attempt))
                }
            }
        }
        return name
    }

    func drop(_ name: String) async {
        guard name.hasPrefix(Self.prefix) else { return }
        try? await Self.admin { sql in
            try await sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        }
    }

    /// Actor methods can interleave at every await, so the template is built by one shared task.
    private func ensureTemplate() async throws -> String {
        if let template { return try await template.value }
        let task = Task { try await Self.buildTemplate() }
        template = task
        return try await task.value
    }

    private static func buildTemplate() async throws -> String {
        let name = Self.prefix + "template_\(getpid())"
        try await admin { sql in
            try await sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
            try await sql.raw("CREATE DATABASE \(ident: name)").run()
        }
        var settings = try Settings.fromEnvironment(["APP_ENV": "testing", "BCRYPT_COST": "4"])
        settings.database = .postgres(url: try url(forDatabase: name))
        settings.autoMigrate = true
        settings.jwtSecret = String(repeating: "t", count: 40)
        let app = try await Application.make(.testing)
        do {
            try await configure(app, settings: settings)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
        return name
    }

    /// Runs `body` on a connection to the server's maintenance database.
    static func admin(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        _ = try url(forDatabase: "postgres")
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        var config = try SQLPostgresConfiguration(url: TestDatabase.adminURL)
        config.coreConfiguration.tls = .disable
        app.databases.use(.postgres(configuration: config, maxConnectionsPerEventLoop: 1), as: .psql)
        do {
            try await body(app.db as! any SQLDatabase)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import BidForge
@testable import BidForgeCore

/// A clock the test moves by hand.
final class TestClock: Sendable {
    private let current = NIOLockedValueBox(Date(timeIntervalSince1970: 1_795_723_200))  // 2026-11-26T20:00:00Z
    var now: Date { current.withLockedValue { $0 } }
    func advance(by seconds: TimeInterval) { current.withLockedValue { $0 += seconds } }
}

/// The real application on a fresh database, driven in memory through its real responder.
struct TestApp: Sendable {
    let app: Application
    let clock: TestClock

    /// Builds the app on a throwaway database (SQLite or PostgreSQL per `BIDFORGE_TEST_DB`), runs `body`, tears down.
    /// `environment` adds or overrides settings variables (e.g. `REDIS_URL`, `RATE_LIMIT_*`).
    static func run(
        rateLimited: Bool = false, services: Set<Settings.Service>? = nil, environment: [String: String] = [:],
        _ body: (TestApp) async throws -> Void
    ) async throws {
        let (location, cleanup) = try await TestDatabase.make()
        // Every suite runs at once on a 2-core CI machine: a request may wait seconds for a pooled connection and a
        // health probe for its dependency. The tests judge behaviour, so both waits are long here; the pool's 503 and
        // a failed check are tested on purpose (a thrown pool timeout, an unreachable bucket), not by load.
        let base = [
            "APP_ENV": "testing", "BCRYPT_COST": "4", "DB_POOL_SIZE": "4", "DB_POOL_TIMEOUT_SECONDS": "60",
            "HEALTH_CHECK_TIMEOUT_MS": "20000", "RATE_LIMIT_DISABLED": rateLimited ? "false" : "true"
        ]
        var settings = try Settings.fromEnvironment(base.merging(environment) { $1 })
        settings.database = location
        if let services { settings.services = services }
        settings.jwtSecret = String(repeating: "s", count: 40)
        settings.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("bidforge-tests").path
        if environment["S3_BUCKET"] == nil { settings.storage = .local(directory: settings.dataDirectory + "/files") }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        let clock = TestClock()
        app.clock = AppClock { clock.now }
        do {
            try await configure(app, settings: settings)
            try await body(TestApp(app: app, clock: clock))
        } catch {
            await app.server.shutdown()  // a test that started the real server (sockets)
            try? await app.asyncShutdown()
            await cleanup()
            throw error
        }
        await app.server.shutdown()
        try await app.asyncShutdown()
        await cleanup()
    }

    // MARK: requests

    func request(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: String? = nil,
        headers extra: [String: String] = [:], rawBody: ByteBuffer? = nil, contentType: String? = nil,
        drainOutbox: Bool = true
    ) async throws -> TestResponse {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        var body = ByteBuffer()
        if let json {
            headers.add(name: .contentType, value: contentType ?? "application/json")
            body = ByteBuffer(string: json)
        } else if let rawBody {
            body = rawBody
            if let contentType { headers.add(name: .contentType, value: contentType) }
        }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: body)
        let response = try await app.testing().performTest(request: request)
        // What a running server's dispatcher does within milliseconds, done here before the test looks.
        if drainOutbox { try await drainOutboxNow() }
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Dispatches what the request committed. Like the server's loop, a busy pool (a test firing 20 writes at once)
    /// means "try again", not failure.
    func drainOutboxNow() async throws {
        for attempt in 1...5 {
            do { return try await app.outbox.drain() } catch  where attempt < 5 && DatabaseErrors.isUnavailable(error) {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Through a real HTTP server on a loopback port (compression, peer addresses), not the in-memory responder.
    func liveRequest(_ method: HTTPMethod, _ path: String, headers extra: [String: String] = [:]) async throws
        -> TestResponse
    {
        var headers = HTTPHeaders()
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = TestingHTTPRequest(method: method, url: URI(string: path), headers: headers, body: ByteBuffer())
        let response = try await app.testing(method: .running(hostname: "127.0.0.1", port: 0)).performTest(
            request: request)
        return TestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    func request<T: Encodable>(
        _ method: HTTPMethod, _ path: String, token: String? = nil, body: T,
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        let data = try JSONEncoder.iso.encode(body)
        return try await request(
            method, path, token: token, json: String(decoding: data, as: UTF8.self), headers: headers)
    }
}

extension JSONEncoder {
    static let iso: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        return e
    }()
}

struct TestResponse: Sendable {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    var json: J { J((try? JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))) ?? .null) }
    var errorCode: String? { json["error"]["code"].string }
}

/// Terse access into a JSON response: `r.json["data"][0]["id"].string`.
struct J: Sendable, CustomStringConvertible {
    let value: JSONValue
    init(_ value: JSONValue) { self.value = value }

    subscript(key: String) -> J {
        if case .object(let o) = value { return J(o[key] ?? .null) }
        return J(.null)
    }
    subscript(index: Int) -> J {
        if case .array(let a) = value, a.indices.contains(index) { return J(a[index]) }
        return J(.null)
    }
    var string: String? { if case .string(let s) = value { s } else { nil } }
    var int: Int? {
        switch value {
        case .int(let i): Int(i)
        case .double(let d) where d == d.rounded(): Int(d)
        default: nil
        }
    }
    var double: Double? {
        switch value {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
    var bool: Bool? { if case .bool(let b) = value { b } else { nil } }
    var isNull: Bool { value == .null }
    var array: [J] { if case .array(let a) = value { a.map(J.init) } else { [] } }
    var keys: [String] { if case .object(let o) = value { o.keys.sorted() } else { [] } }
    var uuid: UUID? { string.flatMap(UUID.init(uuidString:)) }
    var description: String { "\(value)" }
}

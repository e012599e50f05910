import Testing
import Foundation
import Vapor
import AsyncKit
@testable import BidForge

@Suite struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        try await TestApp.run { t in
            let health = try await t.request(.GET, "/api/health")
            #expect(health.status == .ok)
            #expect(health.json["status"].string == "healthy")
            #expect(health.json["checks"]["database"]["status"].string == "ok")
            #expect(health.json["checks"]["redis"]["status"].string == "disabled")
            #expect(health.json["checks"]["storage"]["status"].string == "ok")
            #expect(health.json["checks"]["storage"]["details"]["backend"].string == "local")
            #expect(health.json["checks"]["memory"]["status"].string == "ok")
            #expect(health.json["checks"]["disk"]["status"].string == "ok")
            #expect(health.json["timestamp"].string != nil)
            let ready = try await t.request(.GET, "/api/ready")
            #expect(ready.status == .ok && ready.json["status"].string == "ready")
        }
    }

    @Test func notReadyUntilMigrated() async throws {
        try await TestApp.run { t in
            try await t.app.autoRevert()
            let ready = try await t.request(.GET, "/api/ready", drainOutbox: false)
            #expect(ready.status == .serviceUnavailable)
            try await t.app.autoMigrate()
            #expect(try await t.request(.GET, "/api/ready").status == .ok)
        }
    }

    struct LeakyError: Error, CustomStringConvertible {
        var description: String { "syntax error at SELECT password_hash FROM users in /srv/app/Sources/Secret.swift:42" }
    }

    @Test func serverErrorsDiscloseNothingAndPoolTimeoutsAre503() async throws {
        try await TestApp.run { t in
            t.app.get("boom") { _ -> String in throw LeakyError() }
            t.app.get("pool") { _ -> String in throw ConnectionPoolTimeoutError.connectionRequestTimeout }
            let boom = try await t.request(.GET, "/boom")
            #expect(boom.status == .internalServerError)
            #expect(boom.errorCode == "INTERNAL_ERROR")
            for secret in ["SELECT", "password_hash", "/srv", ".swift", "LeakyError"] {
                #expect(!boom.text.contains(secret), "500 body leaks \(secret): \(boom.text)")
            }
            let pool = try await t.request(.GET, "/pool")
            #expect(pool.status == .serviceUnavailable && pool.errorCode == "UNAVAILABLE")
            #expect(boom.headers.first(name: "X-Request-Id") != nil)
            let traced = try await t.request(.GET, "/api/health", headers: ["X-Request-Id": "trace-123"])
            #expect(traced.headers.first(name: "X-Request-Id") == "trace-123")
        }
    }
}

@Suite struct ServiceSplitTests {
    @Test func aBidsInstanceServesOnlyBidRoutesAndOperations() async throws {
        try await TestApp.run(services: [.bids]) { t in
            let paths = Set(t.app.routes.all.map { "\($0.method.rawValue) " + "/" + $0.path.map(\.description).joined(separator: "/") })
            #expect(paths.contains("POST /api/v1/projects/:projectID/bids"))
            #expect(paths.contains("GET /api/v1/projects/:projectID/bids/leveling"))
            #expect(!paths.contains("POST /api/v1/auth/register"))
            #expect(!paths.contains("GET /api/v1/projects"))
            #expect(try await t.request(.GET, "/api/health").status == .ok)
            #expect(try await t.request(.GET, "/metrics").status == .ok)
            let missing = try await t.request(.POST, "/api/v1/auth/login", json: "{}")
            #expect(missing.status == .notFound && missing.errorCode == "NOT_FOUND")
        }
    }

    @Test func serviceNamesAreValidated() throws {
        #expect(try Settings.parseServices("auth, projects") == [.auth, .projects])
        #expect(throws: Settings.ServicesError.self) { try Settings.parseServices("auth,payments") }
        #expect(throws: Settings.ServicesError.self) { try Settings.parseServices(",") }
        #expect(try Settings.fromEnvironment([:]).services == Set(Settings.Service.allCases))
        #expect(throws: Settings.Problems.self) { try Settings.fromEnvironment(["SERVICES": "everything"]) }
    }
}

import Foundation
import NIOCore
import RedisWireTesting
import Testing
import Vapor

@testable import BidForge

@Suite struct RateLimitMiddlewareTests {
    @Test func everyClientAddressHasALimitButProbesAreExempt() async throws {
        try await TestApp.run(rateLimited: true, environment: ["RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "5"]) { t in
            for _ in 0..<5 { #expect(try await t.request(.GET, "/api/v1/trades").status == .ok) }
            let limited = try await t.request(.GET, "/api/v1/trades")
            #expect(limited.status == .tooManyRequests && limited.errorCode == "RATE_LIMITED")
            #expect(limited.headers.first(name: "Retry-After").flatMap(Int.init) != nil)
            #expect(limited.headers.first(name: "X-Request-Id") != nil)
            for path in ["/api/health", "/api/ready", "/metrics"] {
                #expect(try await t.request(.GET, path).status == .ok, "\(path) must never be rate limited")
            }
            t.clock.advance(by: 12)  // one token back (5 per minute)
            #expect(try await t.request(.GET, "/api/v1/trades").status == .ok)
        }
    }

    @Test func writesAreLimitedPerUserNotPerCompanyOrReads() async throws {
        try await TestApp.run(rateLimited: true, environment: ["RATE_LIMIT_WRITES_PER_MINUTE": "4"]) { t in
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .owner)  // the owner's first write: the invitation
            for _ in 0..<3 { _ = try await t.createProject(owner) }
            let fourth = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: t.projectJSON())
            #expect(fourth.status == .tooManyRequests && fourth.errorCode == "RATE_LIMITED")
            #expect(try await t.request(.GET, "/api/v1/projects?mine=true", token: owner.token).status == .ok)
            #expect(
                try await t.request(.POST, "/api/v1/projects", token: colleague.token, body: t.projectJSON()).status
                    == .created)
        }
    }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() async throws {
        try await TestApp.run(environment: ["TRUSTED_PROXIES": "127.0.0.1"]) { t in
            let peer = try SocketAddress(ipAddress: "127.0.0.1", port: 40000)
            let proxied = Request(
                application: t.app, method: .GET, url: "/", headers: ["X-Forwarded-For": "198.51.100.4"],
                remoteAddress: peer, on: t.app.eventLoopGroup.next())
            #expect(proxied.clientAddress == "198.51.100.4")
            let stranger = Request(
                application: t.app, method: .GET, url: "/", headers: ["X-Forwarded-For": "198.51.100.4"],
                remoteAddress: try SocketAddress(ipAddress: "192.0.2.50", port: 40000), on: t.app.eventLoopGroup.next())
            #expect(stranger.clientAddress == "192.0.2.50")
        }
    }

    @Test func clientsBehindATrustedProxyHaveTheirOwnBuckets() async throws {
        try await TestApp.run(
            rateLimited: true,
            environment: [
                "TRUSTED_PROXIES": "127.0.0.1",
                "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "2"
            ]
        ) { t in
            var statuses: [UInt] = []
            for client in ["198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.2"] {
                statuses.append(
                    try await t.liveRequest(.GET, "/api/v1/trades", headers: ["X-Forwarded-For": client]).status.code)
            }
            #expect(statuses == [200, 200, 429, 200])
        }
    }

    @Test func untrustedForwardedForCannotDodgeTheLimit() async throws {
        try await TestApp.run(rateLimited: true, environment: ["RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "2"]) { t in
            var statuses: [UInt] = []
            for client in ["10.0.0.1", "10.0.0.2", "10.0.0.3"] {
                statuses.append(
                    try await t.liveRequest(.GET, "/api/v1/trades", headers: ["X-Forwarded-For": client]).status.code)
            }
            #expect(statuses == [200, 200, 429])
        }
    }
}

@Suite(.enabled(if: RedisServer.available, "redis-server is not installed"))
struct SharedRateLimitTests {
    @Test func instancesSharingRedisShareOneBucket() async throws {
        try await RedisServer.run { redis in
            // A generous timeout: on a loaded machine a 500 ms stall would send an instance to its own memory
            // buckets, and this test is about the shared one (the fallback has its own test below).
            let env = ["REDIS_URL": redis.url, "REDIS_TIMEOUT_MS": "10000", "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "6"]
            try await TestApp.run(rateLimited: true, environment: env) { a in
                try await TestApp.run(rateLimited: true, environment: env) { b in
                    var statuses: [UInt] = []
                    for instance in [a, b, a, b, a, b, a, b] {
                        statuses.append(try await instance.request(.GET, "/api/v1/trades").status.code)
                    }
                    #expect(statuses == [200, 200, 200, 200, 200, 200, 429, 429])
                    #expect(!(try #require(a.app.rateLimiter as? RedisRateLimiter)).isDegraded)
                }
            }
        }
    }

    @Test func redisGoingAwayDegradesToMemoryAndRecovers() async throws {
        try await RedisServer.run { redis in
            // A stopped server refuses at once, whatever the timeout; a generous one keeps a loaded machine's slow
            // ping from reading as an outage before the server is stopped (a CI run saw "degraded" there).
            let env = ["REDIS_URL": redis.url, "REDIS_TIMEOUT_MS": "10000"]
            try await TestApp.run(rateLimited: true, environment: env) { t in
                let limiter = try #require(t.app.rateLimiter as? RedisRateLimiter)
                let before = try await t.request(.GET, "/api/v1/trades")
                let healthy = try await t.request(.GET, "/api/health")
                #expect(before.status == .ok)
                #expect(healthy.json["checks"]["redis"]["status"].string == "ok", "\(healthy.json["checks"]["redis"])")

                await redis.stop()
                let during = try await t.request(.GET, "/api/v1/trades")
                #expect(during.status == .ok, "the API keeps serving without Redis")
                #expect(limiter.isDegraded)
                let degraded = try await t.request(.GET, "/api/health")
                #expect(degraded.status == .ok && degraded.json["status"].string == "healthy")
                #expect(degraded.json["checks"]["redis"]["status"].string == "degraded")

                try await redis.start()
                t.clock.advance(by: RedisRateLimiter.retryInterval + 1)
                let after = try await t.request(.GET, "/api/v1/trades")
                #expect(after.status == .ok && !limiter.isDegraded)
                let recovered = try await t.request(.GET, "/api/health")
                #expect(recovered.json["checks"]["redis"]["status"].string == "ok")
            }
        }
    }

    @Test func bucketKeysHideAddressesAndEmails() {
        let key = RedisRateLimiter.redisKey("login:email:pat@example.com")
        #expect(key.hasPrefix("bidforge:rl:login:email:"))
        #expect(!key.contains("pat") && !key.contains("example"))
        #expect(key != RedisRateLimiter.redisKey("login:email:sam@example.com"))
    }
}

@Suite struct HTTPHygieneTests {
    @Test func largeResponsesAreGzippedWhenAcceptedAndSmallOnesAreNot() async throws {
        try await TestApp.run { t in
            let large = try await t.liveRequest(.GET, "/openapi.json", headers: ["Accept-Encoding": "gzip"])
            #expect(large.status == .ok)
            #expect(large.headers.first(name: .contentEncoding) == "gzip")
            #expect(Array(large.body.readableBytesView.prefix(2)) == [0x1f, 0x8b])
            let small = try await t.liveRequest(.GET, "/api/ready", headers: ["Accept-Encoding": "gzip"])
            #expect(small.headers.first(name: .contentEncoding) == nil)
            let unaccepted = try await t.liveRequest(.GET, "/openapi.json")
            #expect(unaccepted.headers.first(name: .contentEncoding) == nil)
            #expect(unaccepted.body.readableBytes > 1024)
        }
    }

    @Test func compressionCanBeTurnedOffForDeploymentsWhereTheProxyCompresses() async throws {
        try await TestApp.run(environment: ["COMPRESSION": "false"]) { t in
            let r = try await t.liveRequest(.GET, "/openapi.json", headers: ["Accept-Encoding": "gzip"])
            #expect(r.headers.first(name: .contentEncoding) == nil)
        }
    }

    @Test func strictTransportSecurityOnlyWhenATrustedProxySaysTLS() async throws {
        try await TestApp.run(environment: ["TRUSTED_PROXIES": "127.0.0.1"]) { t in
            let tls = try await t.liveRequest(.GET, "/api/ready", headers: ["X-Forwarded-Proto": "https"])
            #expect(tls.headers.first(name: .strictTransportSecurity)?.contains("max-age=") == true)
            #expect(try await t.liveRequest(.GET, "/api/ready").headers.first(name: .strictTransportSecurity) == nil)
        }
        try await TestApp.run { t in
            let forged = try await t.liveRequest(.GET, "/api/ready", headers: ["X-Forwarded-Proto": "https"])
            #expect(forged.headers.first(name: .strictTransportSecurity) == nil)
        }
    }

    @Test func corsIsOffByDefaultAndAllowsOnlyConfiguredOrigins() async throws {
        try await TestApp.run { t in
            let r = try await t.request(.GET, "/api/v1/trades", headers: ["Origin": "https://app.example.com"])
            #expect(r.headers.first(name: .accessControlAllowOrigin) == nil)
        }
        try await TestApp.run(environment: ["CORS_ALLOWED_ORIGINS": "https://app.example.com"]) { t in
            let preflight = try await t.request(
                .OPTIONS, "/api/v1/projects",
                headers: [
                    "Origin": "https://app.example.com", "Access-Control-Request-Method": "POST"
                ])
            #expect(preflight.headers.first(name: .accessControlAllowOrigin) == "https://app.example.com")
            #expect(preflight.headers.first(name: .accessControlAllowMethods)?.contains("POST") == true)
            let error = try await t.request(.GET, "/api/v1/me", headers: ["Origin": "https://app.example.com"])
            #expect(error.status == .unauthorized)
            #expect(
                error.headers.first(name: .accessControlAllowOrigin) == "https://app.example.com",
                "error responses must be readable by the allowed origin")
            let other = try await t.request(.GET, "/api/v1/trades", headers: ["Origin": "https://evil.example"])
            #expect(other.headers.first(name: .accessControlAllowOrigin) != "https://evil.example")
        }
    }

    @Test func readinessTurns503WhileDraining() async throws {
        try await TestApp.run { t in
            #expect(try await t.request(.GET, "/api/ready").status == .ok)
            t.app.isDraining = true
            let draining = try await t.request(.GET, "/api/ready")
            #expect(draining.status == .serviceUnavailable && draining.json["status"].string == "draining")
            #expect(
                try await t.request(.GET, "/api/v1/trades").status == .ok,
                "in-flight and late requests are still served")
        }
    }

    @Test func memoryOverTheLimitFailsHealth() async throws {
        try await TestApp.run(environment: ["MEMORY_LIMIT_MB": "16"]) { t in
            let health = try await t.request(.GET, "/api/health", token: try await t.platformAdmin().token)
            #expect(health.status == .serviceUnavailable)
            #expect(health.json["checks"]["memory"]["status"].string == "error")
            #expect(health.json["checks"]["memory"]["details"]["limitBytes"].int == 16 << 20)
        }
    }
}

import AsyncKit
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import BidForge

@Suite struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        try await TestApp.run { t in
            let health = try await t.request(.GET, "/api/health")
            #expect(health.status == .ok, "\(health.text)")
            #expect(health.json["status"].string == "healthy")
            #expect(health.json["checks"]["database"]["status"].string == "ok")
            #expect(health.json["checks"]["redis"]["status"].string == "disabled")
            #expect(health.json["checks"]["storage"]["status"].string == "ok")
            #expect(health.json["checks"]["memory"]["status"].string == "ok")
            #expect(health.json["checks"]["disk"]["status"].string == "ok")
            #expect(health.json["timestamp"].string != nil)
            // Anonymous callers learn each component's status, not the figures behind it.
            for check in ["database", "storage", "memory", "disk", "imaging", "cache"] {
                #expect(health.json["checks"][check]["details"].isNull, "\(check) details stay private")
            }
            #expect(
                !health.text.contains("rssBytes") && !health.text.contains("freeBytes")
                    && !health.text.contains("version"))
            let admin = try await t.platformAdmin()
            let detailed = try await t.request(.GET, "/api/health", token: admin.token)
            #expect(detailed.json["checks"]["storage"]["details"]["backend"].string == "local")
            #expect(detailed.json["checks"]["memory"]["details"]["rssBytes"].int != nil)
            // The liveness probe touches nothing but the process.
            let live = try await t.request(.GET, "/api/live")
            #expect(live.status == .ok && live.json["status"].string == "alive")
            let ready = try await t.request(.GET, "/api/ready")
            #expect(ready.status == .ok && ready.json["status"].string == "ready")
        }
    }

    @Test func notReadyUntilMigrated() async throws {
        try await TestApp.run { t in
            try await t.app.autoRevert()
            let ready = try await t.request(.GET, "/api/ready", drainOutbox: false)
            #expect(ready.status == .serviceUnavailable)
            let health = try await t.request(.GET, "/api/health", drainOutbox: false)
            #expect(health.status == .serviceUnavailable, "every request would fail on an unmigrated database")
            #expect(health.json["checks"]["database"]["message"].string?.contains("bidforge migrate") == true)
            try await t.app.autoMigrate()
            #expect(try await t.request(.GET, "/api/ready").status == .ok)
        }
    }

    /// A database that takes the question and never answers (its migrations table locked by another transaction)
    /// makes the instance not ready at HEALTH_CHECK_TIMEOUT_MS, so a probe with its own timeout hears an answer.
    @Test(.enabled(if: TestDatabase.isPostgres, "another connection holds the lock"))
    func readyAnswersNotReadyAtTheCheckTimeoutWhenTheDatabaseHangs() async throws {
        try await TestApp.run(environment: ["HEALTH_CHECK_TIMEOUT_MS": "300"]) { t in
            try await t.app.db.transaction { tx in
                try await tx.sql.raw("LOCK TABLE _fluent_migrations IN ACCESS EXCLUSIVE MODE").run()
                let started = ContinuousClock.now
                let ready = try await t.request(.GET, "/api/ready", drainOutbox: false)
                #expect(ContinuousClock.now - started < .seconds(10), "answered at the check's limit")
                #expect(ready.status == .serviceUnavailable && ready.json["status"].string == "not_ready")
            }
            // Ready again once the lock goes. With every suite running at once a check may still overrun the 300 ms
            // on a busy machine, so a few tries (each answers within the limit).
            var again = try await t.request(.GET, "/api/ready")
            for _ in 0..<20 where again.status != .ok {
                try await Task.sleep(for: .milliseconds(250))
                again = try await t.request(.GET, "/api/ready")
            }
            #expect(again.status == .ok, "\(again.text)")
        }
    }

    struct LeakyError: Error, CustomStringConvertible {
        var description: String {
            "syntax error at SELECT password_hash FROM users in /srv/app/Sources/Secret.swift:42"
        }
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
            let paths = Set(
                t.app.routes.all.map {
                    "\($0.method.rawValue) " + "/" + $0.path.map(\.description).joined(separator: "/")
                })
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

/// Rows that only serve a window (replays, the outbox's `?since=`, downloads log, expired sign-ins) are deleted in
/// batches once past it, and counted in `/metrics`.
@Suite struct RetentionJobTests {
    @Test func rowsPastTheirWindowAreDeletedAndTheRestKept() async throws {
        let env = [
            "RETENTION_IDEMPOTENCY_HOURS": "1", "RETENTION_OUTBOX_DAYS": "1", "RETENTION_DOWNLOADS_DAYS": "1",
            "RETENTION_EXPIRED_DAYS": "0"
        ]
        try await TestApp.run(environment: env) { t in
            func count(_ table: String) async throws -> Int {
                try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first()?.decode(
                    column: "n", as: Int.self) ?? -1
            }
            func make() async throws {
                let owner = try await t.register(.owner)
                let project = try #require(
                    try await t.request(
                        .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(),
                        headers: ["Idempotency-Key": UUID().uuidString]
                    ).json["id"].uuid)
                #expect(
                    try await t.request(.POST, "/api/v1/projects/\(project)/publish", token: owner.token).status == .ok)
                #expect(
                    try await t.request(
                        .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                        body: ["companyIds": [try await t.register(.subcontractor).companyId.uuidString]]
                    ).status == .created)
                let document = try #require(try await t.upload(owner, to: project, Samples.pdf(500)).json["id"].uuid)
                _ = try await t.download(document, token: owner.token)
                _ = try await t.request(.POST, "/api/v1/realtime/tickets", token: owner.token)
                _ = try await WebBrowser.signedIn(t, as: owner)
            }
            try await make()
            let tables = [
                "idempotency_keys", "outbox_events", "document_downloads", "realtime_tickets", "refresh_tokens",
                "web_sessions"
            ]
            var before: [String: Int] = [:]
            for table in tables {
                before[table] = try await count(table)
                #expect(before[table]! > 0, "\(table) has rows to age")
            }

            t.clock.advance(by: 30 * 60)
            var deleted = try await RetentionJob.run(t.app, now: t.clock.now)
            #expect(deleted["realtime_tickets"] == before["realtime_tickets"], "a ticket lives a minute")
            #expect(deleted["idempotency_keys"] == 0 && deleted["outbox_events"] == 0 && deleted["refresh_tokens"] == 0)

            t.clock.advance(by: 2 * 86_400)
            deleted = try await RetentionJob.run(t.app, now: t.clock.now)
            for table in ["idempotency_keys", "outbox_events", "document_downloads"] {
                let left = try await count(table)
                #expect(deleted[table] == before[table] && left == 0, "\(table)")
            }
            let tokens = try await count("refresh_tokens"), sessions = try await count("web_sessions")
            #expect(
                tokens == before["refresh_tokens"] && sessions == before["web_sessions"],
                "sign-ins are kept until they expire")

            t.clock.advance(by: 31 * 86_400)
            try await make()
            deleted = try await RetentionJob.run(t.app, now: t.clock.now)
            #expect(
                deleted["refresh_tokens"] == before["refresh_tokens"]
                    && deleted["web_sessions"] == before["web_sessions"])
            for table in ["idempotency_keys", "refresh_tokens", "web_sessions", "document_downloads"] {
                #expect(try await count(table) == before[table], "\(table): today's rows stay")
            }
            let metrics = try await t.request(.GET, "/metrics").text
            #expect(metrics.contains("retention_deleted_rows_total{table=\"refresh_tokens\"}"))
        }
    }
}

/// IDs leave the product lower-case everywhere a client reads them, and are accepted in either case.
@Suite struct CanonicalIDTests {
    static func upperCaseIDs(in text: String) -> [String] {
        let pattern = try! NSRegularExpression(
            pattern: "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
        return pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text)
        }
        .map { String(text[$0]) }.filter { $0 != $0.lowercased() }
    }

    @Test func everyAnswerWritesLowerCaseIDsAndAcceptsBoth() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            var projects: [UUID] = []
            for _ in 0..<3 { projects.append(try await t.openProject(owner)) }
            let bidder = try await t.register(.subcontractor)
            let bid = try await t.submitBid(bidder, on: projects[0])
            try await t.close(owner, projects[0])
            #expect(
                try await t.request(
                    .POST, "/api/v1/projects/\(projects[0])/award", token: owner.token,
                    body: ["bidId": bid.uuidString]
                ).status == .ok)
            let conversation = try #require(
                try await t.request(
                    .POST, "/api/v1/conversations", token: bidder.token,
                    body: ["projectId": projects[1].uuidString]
                ).json["id"].uuid)
            _ = try await t.request(
                .POST, "/api/v1/conversations/\(conversation)/messages", token: bidder.token, body: ["body": "Hi"])
            let reads: [(String, String?)] = [
                ("/api/v1/me", owner.token), ("/api/v1/projects?limit=1", nil),
                ("/api/v1/projects/\(projects[0])", owner.token),
                ("/api/v1/projects/\(projects[0])/bids", owner.token),
                ("/api/v1/projects/\(projects[0])/bids/leveling", owner.token),
                ("/api/v1/projects/\(projects[0])/bids/leveling?format=csv", owner.token),
                ("/api/v1/bids?mine=true", bidder.token),
                ("/api/v1/notifications", bidder.token), ("/api/v1/notifications", owner.token),
                ("/api/v1/conversations", owner.token),
                ("/api/v1/conversations/\(conversation)/messages", owner.token),
                ("/api/v1/companies/\(owner.companyId)", owner.token),
                ("/api/v1/bids/\(bid)/revisions", bidder.token)
            ]
            for (path, token) in reads {
                let r = try await t.request(.GET, path, token: token)
                #expect(r.status == .ok, "\(path): \(r.status)")
                #expect(
                    Self.upperCaseIDs(in: r.text).isEmpty, "\(path) writes \(Self.upperCaseIDs(in: r.text).prefix(2))")
            }
            let page = try await t.request(.GET, "/api/v1/projects?limit=1")
            let cursor = try #require(page.json["pagination"]["nextCursor"].string)
            var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while base64.count % 4 != 0 { base64 += "=" }
            #expect(
                Self.upperCaseIDs(in: String(decoding: Data(base64Encoded: base64) ?? Data(), as: UTF8.self)).isEmpty,
                "cursors too")
            let ownerPages = try await WebBrowser.signedIn(t, as: owner)
            for path in [
                "/dashboard", "/projects/\(projects[0])", "/projects/\(projects[1])", "/notifications", "/conversations"
            ] {
                let html = try await ownerPages.get(path).text
                #expect(Self.upperCaseIDs(in: html).isEmpty, "\(path) writes \(Self.upperCaseIDs(in: html).prefix(2))")
            }
            // Accepted in either case.
            let upper = projects[1].uuidString.uppercased()
            #expect(try await t.request(.GET, "/api/v1/projects/\(upper)").status == .ok)
            #expect(try await t.request(.GET, "/api/v1/projects/\(upper.lowercased())").status == .ok)
            // An idempotent retry may spell the path's id in the other case and is still the same request.
            let first = try await t.request(
                .POST, "/api/v1/projects/\(upper)/bids", token: bidder.token, body: t.bidJSON(900_000),
                headers: ["Idempotency-Key": "case-1"])
            let retry = try await t.request(
                .POST, "/api/v1/projects/\(upper.lowercased())/bids", token: bidder.token,
                body: t.bidJSON(900_000), headers: ["Idempotency-Key": "case-1"])
            #expect(
                first.status == .created && retry.status == .created
                    && retry.headers.first(name: "Idempotent-Replayed") == "true")
        }
    }
}

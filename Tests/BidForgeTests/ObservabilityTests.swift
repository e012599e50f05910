import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import BidForge

final class CapturingRequestLog: RequestLogSink {
    let entries = NIOLockedValueBox<[RequestLogEntry]>([])
    func record(_ entry: RequestLogEntry) { entries.withLockedValue { $0.append(entry) } }
}

@Suite struct ObservabilityTests {
    @Test func oneLogEntryPerRequestWithRoutePatternAndCaller() async throws {
        try await TestApp.run { t in
            let sink = CapturingRequestLog()
            t.app.requestLog = sink
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            sink.entries.withLockedValue { $0.removeAll() }

            _ = try await t.request(
                .GET, "/api/v1/projects/\(project)", token: owner.token, headers: ["X-Request-Id": "abc-123"])
            _ = try await t.request(.GET, "/api/v1/projects/\(UUID())")
            _ = try await t.request(.GET, "/no/such/route")
            let entries = sink.entries.withLockedValue { $0 }
            #expect(entries.count == 3)
            #expect(entries[0].route == "/api/v1/projects/:projectID")
            #expect(entries[0].requestId == "abc-123" && entries[0].status == 200 && entries[0].level == .info)
            #expect(entries[0].userId == owner.userId && entries[0].companyId == owner.companyId)
            #expect(entries[0].durationMs >= 0)
            #expect(entries[1].status == 404 && entries[1].level == .debug && entries[1].errorCode == "NOT_FOUND")
            #expect(entries[1].userId == nil)
            #expect(entries[2].route == "unmatched")
            // A draining instance's 503 on /api/ready is its answer, not an error to page anyone about.
            t.app.isDraining = true
            _ = try await t.request(.GET, "/api/ready")
            t.app.isDraining = false
            let ready = try #require(sink.entries.withLockedValue { $0.last })
            #expect(ready.status == 503 && ready.level == .notice)
        }
    }

    @Test func jsonLogLinesCarryTheFields() throws {
        let line = JSONLogHandler.line(
            ts: Date(timeIntervalSince1970: 0), level: .info, message: "request", label: "bidforge",
            metadata: ["requestId": "r-1", "status": .stringConvertible(201), "route": "/api/v1/me"])
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasSuffix("\n") && !text.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object["requestId"] as? String == "r-1")
        #expect(object["status"] as? Int == 201)
        #expect(object["level"] as? String == "info")
        #expect(object["ts"] as? String == "1970-01-01T00:00:00.000Z")
    }

    @Test func securityHeadersAndInstanceOnEveryResponse() async throws {
        try await TestApp.run { t in
            for path in ["/api/health", "/api/v1/projects", "/api/v1/me", "/nowhere"] {
                let r = try await t.request(.GET, path)
                #expect(r.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(r.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
                #expect(r.headers.first(name: "X-Frame-Options") == "DENY")
                #expect(r.headers.first(name: "X-Instance") == t.app.settings.instanceName)
                #expect(r.headers.first(name: "X-Request-Id")?.isEmpty == false)
            }
        }
    }
}

@Suite struct MetricsTests {
    /// Parses the Prometheus text format into (name, labels, value) samples; fails the test on a malformed line.
    static func parse(_ text: String) -> [(name: String, labels: [String: String], value: Double)] {
        var samples: [(String, [String: String], Double)] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let (series, valueText) = (
                line[..<line.lastIndex(of: " ")!], line[line.index(after: line.lastIndex(of: " ")!)...]
            )
            guard let value = Double(valueText) else {
                Issue.record("bad value in \(line)")
                continue
            }
            var name = String(series), labels: [String: String] = [:]
            if let open = series.firstIndex(of: "{") {
                name = String(series[..<open])
                let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
                for pair in body.split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
                }
            }
            samples.append((name, labels, value))
        }
        return samples
    }

    @Test func requestSeriesUseRoutePatternsAndActiveUsersAreCounted() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            for _ in 0..<3 { _ = try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token) }
            _ = try await t.request(.GET, "/api/v1/projects/\(UUID())")

            let r = try await t.request(.GET, "/metrics")
            #expect(r.status == .ok)
            #expect(r.headers.contentType?.subType == "plain")
            let samples = Self.parse(r.text)
            let detail = samples.filter {
                $0.name == "http_requests_total" && $0.labels["route"] == "/api/v1/projects/:projectID"
            }
            #expect(detail.first { $0.labels["status_code"] == "200" && $0.labels["method"] == "GET" }?.value == 3)
            #expect(detail.first { $0.labels["status_code"] == "404" }?.value == 1)
            #expect(
                samples.contains {
                    $0.name == "http_request_duration_seconds_bucket"
                        && $0.labels["route"] == "/api/v1/projects/:projectID" && $0.labels["le"] == "+Inf"
                        && $0.value == 3
                })
            #expect(samples.contains { $0.name == "http_request_duration_seconds_count" })
            #expect(!r.text.contains(project.uuidString), "raw paths must not become labels")
            #expect(samples.first { $0.name == "active_users_total" }?.value == 1)
            #expect(
                (samples.first { $0.name == "db_pool_connections" && $0.labels["state"] == "max" }?.value ?? 0) >= 1)
            #expect((samples.first { $0.name == "process_resident_memory_bytes" }?.value ?? 0) > 1_000_000)
            #expect((samples.first { $0.name == "process_open_fds" }?.value ?? 0) > 0)
            #expect((samples.first { $0.name == "process_cpu_seconds_total" }?.value ?? 0) > 0)
            #expect(
                samples.first { $0.name == "outbox_pending_events" }?.value == 0,
                "the test helper drains after each request")
            #expect(samples.first { $0.name == "realtime_connections" }?.value == 0)
            if t.app.settings.database.isPostgres {
                // This test's requests opened connections; the sampling query's own connection is not counted. The
                // sample is skipped when the database is slow to answer (a loaded test machine): try a few scrapes.
                func poolSeries() async throws -> [(name: String, labels: [String: String], value: Double)] {
                    let scraped = Self.parse(try await t.request(.GET, "/metrics").text)
                    return scraped.filter { sample in
                        sample.name == "db_pool_connections"
                            && (sample.labels["state"] == "in_use" || sample.labels["state"] == "idle")
                    }
                }
                var open = try await poolSeries()
                var attempts = 1
                while open.count != 2 && attempts < 5 {
                    open = try await poolSeries()
                    attempts += 1
                }
                #expect(open.count == 2 && open.reduce(0) { $0 + $1.value } >= 1)
            }

            // Users drop out of the active count after five quiet minutes.
            t.clock.advance(by: 301)
            let later = Self.parse(try await t.request(.GET, "/metrics").text)
            #expect(later.first { $0.name == "active_users_total" }?.value == 0)
        }
    }
}

@Suite struct MetricsAccessTests {
    @Test func withATokenSetOnlyTheScraperReadsMetrics() async throws {
        try await TestApp.run(environment: ["METRICS_TOKEN": "scrape-secret-0123456789"]) { t in
            #expect(try await t.request(.GET, "/metrics").status == .unauthorized)
            #expect(try await t.request(.GET, "/metrics", token: "scrape-secret-012345678X").status == .unauthorized)
            let scraped = try await t.request(.GET, "/metrics", token: "scrape-secret-0123456789")
            #expect(scraped.status == .ok && scraped.text.contains("process_resident_memory_bytes"))
        }
    }
}

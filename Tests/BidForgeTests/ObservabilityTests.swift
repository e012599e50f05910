import Testing
import Foundation
import Vapor
import Logging
import NIOConcurrencyHelpers
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

            _ = try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token, headers: ["X-Request-Id": "abc-123"])
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
        }
    }

    @Test func jsonLogLinesCarryTheFields() throws {
        let line = JSONLogHandler.line(ts: Date(timeIntervalSince1970: 0), level: .info, message: "request", label: "bidforge",
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

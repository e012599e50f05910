import Foundation
import NIOCore
import S3WireTesting
import Testing

@testable import BidForge

@Suite struct StorageTests {
    @Test func localDiskRoundTripAndOnlyGeneratedKeys() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bf-storage-\(UUID())").path
        let storage = LocalDiskStorage(root: root)
        let body = ByteBuffer(bytes: (0..<70_000).map { UInt8($0 % 251) })
        try await storage.put("projects/p1/doc-1.pdf", body: body, contentType: "application/pdf")
        #expect(try await storage.get("projects/p1/doc-1.pdf") == body)
        #expect(try await storage.size(of: "projects/p1/doc-1.pdf") == 70_000)
        try await storage.delete("projects/p1/doc-1.pdf")
        #expect(try await storage.size(of: "projects/p1/doc-1.pdf") == nil)
        await #expect(throws: StorageError.self) { try await storage.get("projects/p1/doc-1.pdf") }
        for bad in ["../etc/passwd", "/etc/passwd", "a//b", "a/../b", "a/./b", "", "plans/é.pdf", "a b"] {
            await #expect(throws: StorageError.self, "\(bad)") {
                try await storage.put(bad, body: body, contentType: "text/plain")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/../etc"))
        try? FileManager.default.removeItem(atPath: root)
    }

    @Test func healthProbesLocalStorage() async throws {
        try await TestApp.run { t in
            let health = try await t.request(.GET, "/api/health", token: try await t.platformAdmin().token)
            #expect(health.json["checks"]["storage"]["status"].string == "ok")
            #expect(health.json["checks"]["storage"]["details"]["backend"].string == "local")
        }
    }

    @Test func s3SettingsAreCheckedByName() {
        do {
            _ = try Settings.fromEnvironment(["S3_BUCKET": "plans"])
            Issue.record("S3 without credentials was accepted")
        } catch let problems as Settings.Problems {
            #expect(
                problems.description.contains("AWS_ACCESS_KEY_ID")
                    && problems.description.contains("AWS_SECRET_ACCESS_KEY"))
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(throws: Settings.Problems.self) {
            try Settings.fromEnvironment([
                "S3_BUCKET": "b", "S3_ENDPOINT": "ftp://x", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "s"
            ])
        }
        let s3 = try? Settings.fromEnvironment([
            "S3_BUCKET": "b", "S3_ENDPOINT": "http://127.0.0.1:9000", "AWS_ACCESS_KEY_ID": "a",
            "AWS_SECRET_ACCESS_KEY": "s"
        ])
        #expect(s3?.storage.kind == "s3")
        #expect((try? Settings.fromEnvironment([:]))?.storage == .local(directory: "./data/files"))
    }
}

@Suite(.enabled(if: MotoServer.available, "moto[server] is not installed (pip install 'moto[server]')"))
struct S3StorageTests {
    @Test func s3StorageRoundTripAndHealth() async throws {
        let port = try await MotoServer.port()
        let bucket = "bf-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await MotoServer.client(bucket: bucket)
        let env = [
            "S3_BUCKET": bucket, "S3_ENDPOINT": "http://127.0.0.1:\(port)", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing"
        ]
        try await TestApp.run(environment: env) { t in
            let storage = t.app.objectStorage
            #expect(storage.kind == "s3")
            let body = ByteBuffer(string: String(repeating: "Division 09 — Finishes\n", count: 500))
            try await storage.put("projects/p1/spec.txt", body: body, contentType: "text/plain")
            #expect(try await storage.get("projects/p1/spec.txt") == body)
            #expect(try await storage.size(of: "projects/p1/spec.txt") == Int64(body.readableBytes))
            try await storage.delete("projects/p1/spec.txt")
            #expect(try await storage.size(of: "projects/p1/spec.txt") == nil)
            let health = try await t.request(.GET, "/api/health", token: try await t.platformAdmin().token)
            #expect(health.status == .ok, "\(health.text)")
            #expect(health.json["checks"]["storage"]["details"]["backend"].string == "s3")
        }
    }

    /// A bucket that takes the connection and never answers fails the check at HEALTH_CHECK_TIMEOUT_MS, not later.
    @Test func aHangingBucketFailsHealthWithinTheCheckTimeout() async throws {
        let silent = try SilentListener()
        let env = [
            "S3_BUCKET": "hangs", "S3_ENDPOINT": "http://127.0.0.1:\(silent.port)", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "HEALTH_CHECK_TIMEOUT_MS": "300"
        ]
        try await TestApp.run(environment: env) { t in
            let started = ContinuousClock.now
            let health = try await t.request(.GET, "/api/health")
            #expect(
                ContinuousClock.now - started < .seconds(30),
                "answered at the check's limit, not the S3 client's (60 s)")
            #expect(health.status == .serviceUnavailable)
            #expect(health.json["checks"]["storage"]["status"].string == "error")
            #expect(health.json["checks"]["storage"]["message"].string?.contains("within 300 ms") == true)
        }
        withExtendedLifetime(silent) {}
    }

    @Test func anUnreachableBucketFailsHealth() async throws {
        let env = [
            "S3_BUCKET": "nowhere", "S3_ENDPOINT": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing"
        ]
        try await TestApp.run(environment: env) { t in
            let health = try await t.request(.GET, "/api/health")
            #expect(health.status == .serviceUnavailable)
            #expect(health.json["checks"]["storage"]["status"].string == "error")
        }
    }
}

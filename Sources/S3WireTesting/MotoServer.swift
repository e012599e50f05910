import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import S3Wire

/// A real S3-compatible server for tests: `moto` in server mode (`pip install 'moto[server]'`), one per test process,
/// started on first use on a loopback port and killed when the process exits. Each test uses its own bucket.
public enum MotoServer {
    /// CI sets BIDFORGE_TEST_REQUIRE_MOTO=1 so a missing moto fails instead of skipping.
    public static var available: Bool {
        binary != nil || ProcessInfo.processInfo.environment["BIDFORGE_TEST_REQUIRE_MOTO"] == "1"
    }

    /// `moto_server`, the console script `pip install 'moto[server]'` puts on the PATH. (Found by looking, not by
    /// running Python: Foundation's Process cannot be waited on from Swift concurrency's threads here.)
    static var binary: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin"
        return path.split(separator: ":").map { "\($0)/moto_server" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    private static let started = NIOLockedValueBox<Int?>(nil)
    private static let starting = NIOLockedValueBox<Task<Int, any Error>?>(nil)

    /// The server's port, starting it if needed.
    public static func port() async throws -> Int {
        let task = starting.withLockedValue { task -> Task<Int, any Error> in
            if let task { return task }
            let new = Task { try await launch() }
            task = new
            return new
        }
        return try await task.value
    }

    /// A client for a fresh bucket on the shared server (created).
    public static func client(
        bucket: String = "t-\(UUID().uuidString.prefix(12).lowercased())",
        clock: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> S3Client {
        let port = try await port()
        let client = S3Client(
            configuration: .init(
                endpoint: URL(string: "http://127.0.0.1:\(port)")!, bucket: bucket, region: "us-east-1",
                credentials: S3Credentials(accessKeyId: "testing", secretAccessKey: "testing")),
            clock: clock)
        try await client.createBucketIfNeeded()
        return client
    }

    private static func launch() async throws -> Int {
        let port = Int.random(in: 20_000...32_000)
        guard let binary else {
            throw S3Error.invalidResponse("moto_server is not installed (pip install 'moto[server]')")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        started.withLockedValue { $0 = Int(pid) }
        atexit { if let pid = MotoServer.started.withLockedValue({ $0 }) { kill(pid_t(pid), SIGKILL) } }
        for _ in 0..<300 {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)),
                response.status.code < 500
            {
                return port
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(pid, SIGKILL)
        throw S3Error.invalidResponse("moto did not start on port \(port)")
    }
}

import Foundation
import NIOPosix
import RedisWire

/// A real `redis-server` on a loopback port, started for one test and stopped after it. A library (not test) target so
/// that both RedisWire's and BidForge's tests can start one.
public final class RedisServer: @unchecked Sendable {
    public static var binary: String? {
        ["/usr/bin/redis-server", "/usr/local/bin/redis-server"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// CI sets BIDFORGE_TEST_REQUIRE_REDIS=1 so a missing server fails instead of skipping.
    public static var available: Bool {
        if binary != nil { return true }
        return ProcessInfo.processInfo.environment["BIDFORGE_TEST_REQUIRE_REDIS"] == "1"
    }

    public let port: Int
    private var process: Process?

    public init() async throws {
        // Below Linux's ephemeral range (32768+), so no outgoing connection of the test process can hold it.
        port = Int.random(in: 20_000...32_000)
        try await start()
    }

    public func start() async throws {
        guard let binary = Self.binary else { throw RedisError.connectionClosed }
        // Under a loaded machine a restart can race the old process's exit: up to three attempts, 10 s each.
        for _ in 0..<3 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = [
                "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--protected-mode", "yes", "--loglevel", "warning"
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.process = process
            for _ in 0..<200 {
                if let connection = try? await RedisConnection.connect(
                    host: "127.0.0.1", port: port, on: MultiThreadedEventLoopGroup.singleton,
                    connectTimeout: .seconds(1))
                {
                    let pong = try? await connection.send(["PING"])
                    await connection.close()
                    if pong?.string == "PONG" { return }
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            kill(process.processIdentifier, SIGKILL)
        }
        throw RedisError.connectionClosed
    }

    /// Stops the server and waits until it refuses connections. (Process.waitUntilExit and isRunning depend on a
    /// run loop that never turns inside Swift concurrency's threads, so this watches the port instead.)
    public func stop() async {
        guard let process else { return }
        // A hard kill: these servers hold nothing worth a clean shutdown, and it is what a crash looks like.
        kill(process.processIdentifier, SIGKILL)
        self.process = nil
        for _ in 0..<200 {
            guard
                let probe = try? await RedisConnection.connect(
                    host: "127.0.0.1", port: port, on: MultiThreadedEventLoopGroup.singleton,
                    connectTimeout: .seconds(1))
            else { return }
            await probe.close()
            try? await Task.sleep(for: .milliseconds(25))
        }
        kill(process.processIdentifier, SIGKILL)
    }

    public var url: String { "redis://127.0.0.1:\(port)/0" }

    deinit { process?.terminate() }

    public static func run(_ body: (RedisServer) async throws -> Void) async throws {
        let server = try await RedisServer()
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

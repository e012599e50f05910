import Foundation
import NIOCore
import RedisWireTesting
import Testing

@testable import RedisWire

@Suite(.enabled(if: RedisServer.available, "redis-server is not installed")) struct RedisClientTests {
    func client(_ server: RedisServer, timeout: TimeAmount = .seconds(2)) -> RedisClient {
        RedisClient(configuration: .init(port: server.port, poolSize: 2, commandTimeout: timeout))
    }

    @Test func basicCommands() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            let pong = try await redis.ping()
            let stored = try await redis.set("greeting", "héllo\r\nwörld 🏗️")
            let read = try await redis.getString("greeting")
            let missing = try await redis.get("missing")
            let notReplaced = try await redis.set("greeting", "again", onlyIfAbsent: true)
            let one = try await redis.increment("counter")
            let fortyTwo = try await redis.increment("counter", by: 41)
            let expiring = try await redis.expire("counter", milliseconds: 60_000)
            let ttl = try await redis.send(["PTTL", "counter"]).int ?? 0
            let deleted = try await redis.delete(["greeting", "counter", "missing"])
            let listeners = try await redis.publish("nobody-listens", "hi")
            #expect(pong && stored && !notReplaced && expiring)
            #expect(read == "héllo\r\nwörld 🏗️")
            #expect(missing == nil)
            #expect(one == 1 && fortyTwo == 42)
            #expect(ttl > 50_000)
            #expect(deleted == 2 && listeners == 0)
            await redis.close()
        }
    }

    @Test func manyKeysInOneRoundTrip() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            try await redis.set("a", [0, 13, 10, 255])
            try await redis.set("c", "three")
            let values = try await redis.get(["a", "b", "c"])
            let none = try await redis.get([String]())
            #expect(values.count == 3)
            #expect(values[0] == [0, 13, 10, 255] && values[1] == nil && values[2] == Array("three".utf8))
            #expect(none.isEmpty)
            await redis.close()
        }
    }

    @Test func expiryHappens() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            try await redis.set("short", "lived", expireMilliseconds: 50)
            try await Task.sleep(for: .milliseconds(120))
            #expect(try await redis.getString("short") == nil)
            await redis.close()
        }
    }

    @Test func serverErrorsAreSwiftErrors() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            try await redis.set("text", "not a number")
            await #expect(throws: RedisError.self) { try await redis.increment("text") }
            do {
                _ = try await redis.send(["NOSUCHCOMMAND"])
                Issue.record("expected an error")
            } catch RedisError.server(let message) {
                #expect(message.hasPrefix("ERR"))
            }
            // The connection is still usable after an error reply.
            #expect(try await redis.ping())
            await redis.close()
        }
    }

    @Test func pipelineKeepsOrder() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            let commands: [[RESPArgument]] =
                (0..<1_000).map { _ in ["INCR", "pipelined"] } + [["INCR", "pipelined", "extra-arg"]]
            let results = try await redis.pipeline(commands)
            #expect(results.count == 1_001)
            for (i, result) in results.prefix(1_000).enumerated() { #expect((try? result.get())?.int == Int64(i + 1)) }
            if case .failure(.server) = results[1_000] {
            } else {
                Issue.record("the bad command's error should be in its slot")
            }
            await redis.close()
        }
    }

    @Test func atomicScript() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            let script =
                "local n = redis.call('INCR', KEYS[1]); if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end; return n"
            async let a = redis.eval(script, keys: ["bucket"], arguments: ["60000"])
            async let b = redis.eval(script, keys: ["bucket"], arguments: ["60000"])
            let pair = try await [a, b]
            let values = pair.compactMap(\.int).sorted()
            #expect(values == [1, 2])
            await redis.close()
        }
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        try await RedisServer.run { server in
            let redis = client(server)
            try await redis.set("k", "v")
            await server.stop()
            await #expect(throws: RedisError.self) {
                for _ in 0..<4 { _ = try await redis.ping() }  // every pooled connection notices
            }
            try await server.start()
            var recovered = false
            for _ in 0..<4 where !recovered { recovered = (try? await redis.ping()) == true }
            #expect(recovered)
            #expect(try await redis.getString("k") == nil)  // a fresh server: nothing was persisted
            await redis.close()
        }
    }

    @Test func slowServerTimesOut() async throws {
        try await RedisServer.run { server in
            let admin = client(server)
            let redis = client(server, timeout: .milliseconds(200))
            // Connected first (a loaded test machine can take longer than 200 ms for one connect + PING).
            var connected = false
            for _ in 0..<10 where !connected { connected = (try? await redis.ping()) == true }
            #expect(connected)
            // Writes stall for 30 s; a client without a working timeout would hang here far past the test's patience.
            try await admin.send(["CLIENT", "PAUSE", "30000", "WRITE"])
            await #expect(throws: RedisError.timeout) { try await redis.send(["SET", "x", "y"]) }
            try await admin.send(["CLIENT", "UNPAUSE"])
            // The timed-out connection was closed; the next command reconnects and works.
            // (Retried: on a loaded machine one round trip can itself take longer than this client's 200 ms.)
            var ok = false
            for _ in 0..<10 where !ok { ok = (try? await redis.ping()) == true }
            #expect(ok)
            var stored = false
            for _ in 0..<10 where !stored { stored = (try? await redis.set("x", "z")) == true }
            #expect(stored)
            await redis.close()
            await admin.close()
        }
    }

    @Test func urlConfiguration() throws {
        let c = try RedisClient.Configuration(url: "redis://:s3cret@cache.internal:6380/2")
        #expect(c.host == "cache.internal" && c.port == 6380 && c.password == "s3cret" && c.database == 2)
        #expect(throws: RedisError.self) { try RedisClient.Configuration(url: "http://x") }
    }
}

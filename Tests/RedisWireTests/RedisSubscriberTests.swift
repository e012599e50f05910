import Foundation
import NIOCore
import RedisWireTesting
import Testing

@testable import RedisWire

@Suite(.enabled(if: RedisServer.available, "redis-server is not installed")) struct RedisSubscriberTests {
    func configuration(_ server: RedisServer) -> RedisClient.Configuration {
        RedisClient.Configuration(port: server.port, connectTimeout: .milliseconds(500), commandTimeout: .seconds(2))
    }

    /// Publishes until some subscriber receives it (subscribing is asynchronous), then returns how many did.
    func publishUntilHeard(_ client: RedisClient, _ channel: String, _ message: String) async throws -> Int {
        for _ in 0..<200 {
            let receivers = (try? await client.publish(channel, message)) ?? 0
            if receivers > 0 { return receivers }
            try await Task.sleep(for: .milliseconds(25))
        }
        return 0
    }

    func next(_ iterator: inout AsyncStream<RedisSubscriber.Message>.Iterator) async -> RedisSubscriber.Message? {
        await iterator.next()
    }

    @Test func receivesWhatIsPublishedOnItsChannelsOnly() async throws {
        try await RedisServer.run { server in
            let subscriber = RedisSubscriber(configuration: configuration(server))
            subscriber.subscribe(["bidforge:events"])
            let client = RedisClient(configuration: configuration(server))
            var iterator = subscriber.messages.makeAsyncIterator()
            #expect(try await client.publish("elsewhere", "ignored") == 0)
            #expect(try await publishUntilHeard(client, "bidforge:events", "first") == 1)
            let first = await next(&iterator)
            #expect(first == RedisSubscriber.Message(channel: "bidforge:events", payload: Array("first".utf8)))
            // Binary-safe payloads, in order.
            let bytes: [UInt8] = [0, 13, 10, 255, 42]
            _ = try await client.send(["PUBLISH", "bidforge:events", RESPArgument(bytes: bytes)])
            _ = try await client.publish("bidforge:events", "third")
            #expect(await next(&iterator)?.payload == bytes)
            #expect(await next(&iterator)?.payload == Array("third".utf8))
            await subscriber.close()
            await client.close()
        }
    }

    @Test func reconnectsAndResubscribesAfterTheServerRestarts() async throws {
        try await RedisServer.run { server in
            let subscriber = RedisSubscriber(configuration: configuration(server))
            subscriber.subscribe(["a", "b"])
            let client = RedisClient(configuration: configuration(server))
            var iterator = subscriber.messages.makeAsyncIterator()
            #expect(try await publishUntilHeard(client, "a", "before") == 1)
            #expect(await next(&iterator)?.payload == Array("before".utf8))

            await server.stop()
            try await server.start()
            #expect(try await publishUntilHeard(client, "b", "after") == 1, "resubscribed to every channel")
            let after = await next(&iterator)
            #expect(after?.channel == "b" && after?.payload == Array("after".utf8))
            #expect(subscriber.reconnections >= 1)
            #expect(subscriber.isConnected)
            await subscriber.close()
            await client.close()
        }
    }

    @Test func closingEndsTheStream() async throws {
        try await RedisServer.run { server in
            let subscriber = RedisSubscriber(configuration: configuration(server))
            subscriber.subscribe(["x"])
            await subscriber.close()
            var iterator = subscriber.messages.makeAsyncIterator()
            #expect(await next(&iterator) == nil)
        }
    }

    @Test func onlyMessagePushesBecomeMessages() {
        let confirmation = RESPValue.array([
            .bulkString(Array("subscribe".utf8)), .bulkString(Array("a".utf8)), .integer(1)
        ])
        #expect(RedisSubscriber.message(from: confirmation) == nil)
        let push = RESPValue.array([
            .bulkString(Array("message".utf8)), .bulkString(Array("a".utf8)), .bulkString([1, 2])
        ])
        #expect(RedisSubscriber.message(from: push) == RedisSubscriber.Message(channel: "a", payload: [1, 2]))
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Redis pub/sub on a dedicated connection (a subscribed connection can do nothing else). It keeps itself connected:
/// when the connection drops (server restart, network), it reconnects with backoff and subscribes again to every
/// channel it was asked for. Messages published while it was disconnected are lost, as pub/sub always loses them;
/// `reconnections` lets a consumer notice and catch up from a durable source.
public final class RedisSubscriber: Sendable {
    public struct Message: Sendable, Equatable {
        public let channel: String
        public let payload: [UInt8]
    }

    private struct State {
        var channels: Set<String> = []
        var connection: (any Channel)?
        var loop: Task<Void, Never>?
        var closed = false
        var reconnections = 0
    }

    public let messages: AsyncStream<Message>
    private let continuation: AsyncStream<Message>.Continuation
    private let configuration: RedisClient.Configuration
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox(State())
    static let maxBackoff: TimeAmount = .seconds(2)

    public init(
        configuration: RedisClient.Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        bufferLimit: Int = 10_000
    ) {
        self.configuration = configuration
        self.group = group
        (messages, continuation) = AsyncStream.makeStream(
            of: Message.self, bufferingPolicy: .bufferingNewest(bufferLimit))
    }

    /// True while a connection is open and subscribed.
    public var isConnected: Bool { state.withLockedValue { $0.connection?.isActive ?? false } }

    /// How many times the connection was re-established after the first.
    public var reconnections: Int { state.withLockedValue { $0.reconnections } }

    /// Subscribes now if connected, and again after every reconnect. Starts the connection loop on first use.
    public func subscribe(_ channels: [String]) {
        let (connection, start) = state.withLockedValue { state -> ((any Channel)?, Bool) in
            state.channels.formUnion(channels)
            return (state.connection, state.loop == nil && !state.closed)
        }
        if let connection { Self.write(["SUBSCRIBE"] + channels.map { RESPArgument($0) }, to: connection) }
        if start { startLoop() }
    }

    public func close() async {
        let (connection, loop) = state.withLockedValue { state -> ((any Channel)?, Task<Void, Never>?) in
            state.closed = true
            return (state.connection, state.loop)
        }
        loop?.cancel()
        try? await connection?.close()
        await loop?.value
        continuation.finish()
    }

    private func startLoop() {
        let task = Task { [self] in await runLoop() }
        let keep = state.withLockedValue { state -> Bool in
            guard state.loop == nil else { return false }
            state.loop = task
            return true
        }
        if !keep { task.cancel() }
    }

    private func runLoop() async {
        var backoff: TimeAmount = .milliseconds(50)
        var connectedBefore = false
        while !Task.isCancelled && !state.withLockedValue({ $0.closed }) {
            do {
                let channel = try await connect()
                let channels = state.withLockedValue { state -> [String]? in
                    guard !state.closed else { return nil }  // closed while connecting
                    state.connection = channel
                    if connectedBefore { state.reconnections += 1 }
                    return Array(state.channels)
                }
                guard let channels else {
                    try? await channel.close()
                    break
                }
                connectedBefore = true
                if let password = configuration.password { Self.write(["AUTH", RESPArgument(password)], to: channel) }
                if !channels.isEmpty { Self.write(["SUBSCRIBE"] + channels.map { RESPArgument($0) }, to: channel) }
                backoff = .milliseconds(50)
                try await channel.closeFuture.get()
            } catch {
                // Refused or dropped: wait and try again.
            }
            state.withLockedValue { $0.connection = nil }
            if state.withLockedValue({ $0.closed }) { break }
            try? await Task.sleep(nanoseconds: UInt64(backoff.nanoseconds))
            backoff = min(backoff * 2, Self.maxBackoff)
        }
    }

    private func connect() async throws -> any Channel {
        let continuation = self.continuation
        return try await ClientBootstrap(group: group)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        PubSubHandler { value in
                            if let message = Self.message(from: value) { continuation.yield(message) }
                        })
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
    }

    private static func write(_ command: [RESPArgument], to channel: any Channel) {
        var buffer = channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(command, into: &buffer)
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// `["message", channel, payload]` → a message; subscribe confirmations and anything else → nil.
    static func message(from value: RESPValue) -> Message? {
        guard case .array(let items?) = value, items.count == 3,
            case .bulkString(let kind?) = items[0], kind == Array("message".utf8),
            case .bulkString(let channel?) = items[1], case .bulkString(let payload?) = items[2]
        else { return nil }
        return Message(channel: String(decoding: channel, as: UTF8.self), payload: payload)
    }
}

/// Parses every RESP value pushed by the server and hands it on; a protocol error closes the connection (and the
/// subscriber reconnects).
final class PubSubHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var reader = RESPReader()
    private let onValue: (RESPValue) -> Void

    init(onValue: @escaping (RESPValue) -> Void) { self.onValue = onValue }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        reader.append(&incoming)
        do {
            while let value = try reader.next() { onValue(value) }
        } catch {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

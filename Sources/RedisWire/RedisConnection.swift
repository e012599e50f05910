import NIOCore
import NIOPosix

/// Errors a caller can act on.
public enum RedisError: Error, Equatable, Sendable {
    /// Redis answered with an error reply (`-ERR ...`, `-WRONGTYPE ...`).
    case server(String)
    /// No answer within the command timeout; the connection is closed because its replies can no longer be matched.
    case timeout
    /// The connection is closed or could not be opened.
    case connectionClosed
    case protocolError(String)
}

struct RedisRequest {
    let arguments: [RESPArgument]
    let promise: EventLoopPromise<RESPValue>
}

/// Matches replies to requests in order, which is what makes pipelining work: many commands written, replies read back FIFO.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var pending: CircularBuffer<EventLoopPromise<RESPValue>> = []
    private var reader = RESPReader()

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        var out = context.channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(request.arguments, into: &out)
        pending.append(request.promise)
        context.write(wrapOutboundOut(out), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        reader.append(&incoming)
        do {
            while let value = try reader.next() {
                guard let promise = pending.popFirst() else {
                    context.close(promise: nil)
                    return
                }
                promise.succeed(value)
            }
        } catch {
            failAll(RedisError.protocolError("\(error)"))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(RedisError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        failAll(RedisError.connectionClosed)
        context.close(promise: nil)
    }

    private func failAll(_ error: RedisError) {
        while let promise = pending.popFirst() { promise.fail(error) }
    }
}

/// One TCP connection to Redis.
public final class RedisConnection: Sendable {
    let channel: any Channel
    let commandTimeout: TimeAmount

    public var isActive: Bool { channel.isActive }

    private init(channel: any Channel, commandTimeout: TimeAmount) {
        self.channel = channel
        self.commandTimeout = commandTimeout
    }

    public static func connect(
        host: String, port: Int, on group: any EventLoopGroup,
        connectTimeout: TimeAmount = .seconds(2), commandTimeout: TimeAmount = .seconds(2)
    ) async throws -> RedisConnection {
        do {
            let channel = try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(RedisCommandHandler())
                    }
                }
                .connect(host: host, port: port).get()
            return RedisConnection(channel: channel, commandTimeout: commandTimeout)
        } catch {
            throw RedisError.connectionClosed
        }
    }

    /// Sends one command and waits for its reply. An error reply is thrown as `RedisError.server`.
    @discardableResult
    public func send(_ arguments: [RESPArgument]) async throws -> RESPValue {
        try await pipeline([arguments])[0].get()
    }

    /// Writes every command in one flush and collects the replies in order; each reply may be a server error.
    public func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisError>] {
        guard channel.isActive else { throw RedisError.connectionClosed }
        let loop = channel.eventLoop
        let promises = commands.map { _ in loop.makePromise(of: RESPValue.self) }
        for (command, promise) in zip(commands, promises) {
            channel.write(RedisRequest(arguments: command, promise: promise), promise: nil)
        }
        channel.flush()
        let channel = self.channel
        let deadline = loop.scheduleTask(in: commandTimeout) {
            // Replies can no longer be matched to requests once one is abandoned: close, and let callers reconnect.
            for promise in promises { promise.fail(RedisError.timeout) }
            channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        var results: [Result<RESPValue, RedisError>] = []
        results.reserveCapacity(commands.count)
        for promise in promises {
            do {
                let value = try await promise.futureResult.get()
                if case .error(let message) = value {
                    results.append(.failure(.server(message)))
                } else {
                    results.append(.success(value))
                }
            } catch let error as RedisError {
                throw error
            } catch {
                throw RedisError.connectionClosed
            }
        }
        return results
    }

    public func close() async {
        try? await channel.close()
    }
}

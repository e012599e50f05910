import Foundation
import NIOCore
import NIOPosix

/// A small pool of Redis connections with reconnect-on-demand. Commands are spread round-robin; a connection found
/// closed (server restart, timeout) is replaced the next time it is picked.
public actor RedisClient {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var password: String?
        public var database: Int
        public var poolSize: Int
        public var connectTimeout: TimeAmount
        public var commandTimeout: TimeAmount

        public init(
            host: String = "127.0.0.1", port: Int = 6379, password: String? = nil, database: Int = 0,
            poolSize: Int = 4, connectTimeout: TimeAmount = .seconds(2), commandTimeout: TimeAmount = .seconds(2)
        ) {
            self.host = host
            self.port = port
            self.password = password
            self.database = database
            self.poolSize = max(1, poolSize)
            self.connectTimeout = connectTimeout
            self.commandTimeout = commandTimeout
        }

        /// `redis://[:password@]host[:port][/db]`
        public init(url: String, poolSize: Int = 4) throws {
            guard let components = URLComponents(string: url), components.scheme == "redis", let host = components.host,
                !host.isEmpty
            else {
                throw RedisError.protocolError("REDIS_URL must look like redis://host:6379/0")
            }
            let db = Int(components.path.dropFirst()) ?? 0
            self.init(
                host: host, port: components.port ?? 6379, password: components.password, database: db,
                poolSize: poolSize)
        }
    }

    public let configuration: Configuration
    private let group: any EventLoopGroup
    private var connections: [RedisConnection?]
    private var next = 0

    public init(configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
        self.connections = Array(repeating: nil, count: configuration.poolSize)
    }

    /// An open connection from the pool, opened (or re-opened) as needed.
    public func connection() async throws -> RedisConnection {
        let index = next
        next = (next + 1) % connections.count
        if let existing = connections[index], existing.isActive { return existing }
        let fresh = try await RedisConnection.connect(
            host: configuration.host, port: configuration.port, on: group,
            connectTimeout: configuration.connectTimeout,
            commandTimeout: configuration.commandTimeout)
        if let password = configuration.password { try await fresh.send(["AUTH", RESPArgument(password)]) }
        if configuration.database != 0 { try await fresh.send(["SELECT", RESPArgument(configuration.database)]) }
        connections[index] = fresh
        return fresh
    }

    public func close() async {
        for connection in connections { await connection?.close() }
        connections = Array(repeating: nil, count: connections.count)
    }
}

extension RedisClient {
    @discardableResult
    public func send(_ arguments: [RESPArgument]) async throws -> RESPValue {
        try await connection().send(arguments)
    }

    public func pipeline(_ commands: [[RESPArgument]]) async throws -> [Result<RESPValue, RedisError>] {
        try await connection().pipeline(commands)
    }

    public func ping() async throws -> Bool { try await send(["PING"]).string == "PONG" }

    public func get(_ key: String) async throws -> [UInt8]? {
        if case .bulkString(let bytes) = try await send(["GET", RESPArgument(key)]) { return bytes }
        return nil
    }

    /// MGET: one round trip for many keys, `nil` where a key is missing (same order as `keys`).
    public func get(_ keys: [String]) async throws -> [[UInt8]?] {
        guard !keys.isEmpty else { return [] }
        guard case .array(let values?) = try await send(["MGET"] + keys.map { RESPArgument($0) }),
            values.count == keys.count
        else {
            throw RedisError.protocolError("MGET did not answer one value per key")
        }
        return values.map { if case .bulkString(let bytes) = $0 { bytes } else { nil } }
    }

    public func getString(_ key: String) async throws -> String? {
        try await get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// SET with an optional expiry in milliseconds; `onlyIfAbsent` is SET NX (false when the key existed).
    @discardableResult
    public func set(_ key: String, _ value: [UInt8], expireMilliseconds: Int? = nil, onlyIfAbsent: Bool = false)
        async throws -> Bool
    {
        var command: [RESPArgument] = ["SET", RESPArgument(key), RESPArgument(bytes: value)]
        if let ms = expireMilliseconds { command += ["PX", RESPArgument(ms)] }
        if onlyIfAbsent { command.append("NX") }
        return !(try await send(command).isNull)
    }

    @discardableResult
    public func set(_ key: String, _ value: String, expireMilliseconds: Int? = nil, onlyIfAbsent: Bool = false)
        async throws -> Bool
    {
        try await set(key, Array(value.utf8), expireMilliseconds: expireMilliseconds, onlyIfAbsent: onlyIfAbsent)
    }

    @discardableResult
    public func delete(_ keys: [String]) async throws -> Int {
        let command: [RESPArgument] = ["DEL"] + keys.map { RESPArgument($0) }
        return Int(try await send(command).int ?? 0)
    }

    public func increment(_ key: String, by amount: Int = 1) async throws -> Int64 {
        guard let value = try await send(["INCRBY", RESPArgument(key), RESPArgument(amount)]).int else {
            throw RedisError.protocolError("INCRBY did not answer an integer")
        }
        return value
    }

    @discardableResult
    public func expire(_ key: String, milliseconds: Int) async throws -> Bool {
        try await send(["PEXPIRE", RESPArgument(key), RESPArgument(milliseconds)]).int == 1
    }

    /// Runs a Lua script atomically on the server.
    public func eval(_ script: String, keys: [String] = [], arguments: [String] = []) async throws -> RESPValue {
        var command: [RESPArgument] = ["EVAL", RESPArgument(script), RESPArgument(keys.count)]
        command += keys.map { RESPArgument($0) }
        command += arguments.map { RESPArgument($0) }
        return try await send(command)
    }

    /// Number of subscribers that received the message.
    @discardableResult
    public func publish(_ channel: String, _ message: String) async throws -> Int {
        Int(try await send(["PUBLISH", RESPArgument(channel), RESPArgument(message)]).int ?? 0)
    }
}

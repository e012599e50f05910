import NIOCore

/// A RESP2 value as Redis sends it.
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    /// `nil` is the null bulk string (a missing key).
    case bulkString([UInt8]?)
    /// `nil` is the null array.
    case array([RESPValue]?)

    public var string: String? {
        switch self {
        case .simpleString(let s): s
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var int: Int64? {
        switch self {
        case .integer(let i): i
        case .bulkString(let bytes?): Int64(String(decoding: bytes, as: UTF8.self))
        case .simpleString(let s): Int64(s)
        default: nil
        }
    }

    public var isNull: Bool {
        switch self {
        case .bulkString(nil), .array(nil): true
        default: false
        }
    }
}

/// A command as Redis expects it from a client: an array of bulk strings.
enum RESPEncoder {
    static func encode(_ arguments: [RESPArgument], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for argument in arguments {
            buffer.writeString("$\(argument.bytes.count)\r\n")
            buffer.writeBytes(argument.bytes)
            buffer.writeString("\r\n")
        }
    }
}

/// One argument of a command; binary-safe.
public struct RESPArgument: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public let bytes: [UInt8]
    public init(_ string: String) { bytes = Array(string.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ int: Int) { bytes = Array(String(int).utf8) }
    public init(stringLiteral value: String) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(value) }
}

/// Parses RESP2 incrementally: returns nil until a whole value has arrived, consuming nothing in that case.
enum RESPParser {
    struct ProtocolError: Error, CustomStringConvertible {
        let description: String
    }

    static let maxBulkLength = 512 * 1024 * 1024

    static func parse(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        var copy = buffer
        guard let value = try parseValue(&copy) else { return nil }
        buffer = copy
        return value
    }

    private static func parseValue(_ buffer: inout ByteBuffer) throws -> RESPValue? {
        guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        var lineBuffer = buffer
        lineBuffer.moveReaderIndex(forwardBy: 1)
        guard let line = readLine(&lineBuffer) else { return nil }
        switch type {
        case UInt8(ascii: "+"):
            buffer = lineBuffer
            return .simpleString(line)
        case UInt8(ascii: "-"):
            buffer = lineBuffer
            return .error(line)
        case UInt8(ascii: ":"):
            guard let value = Int64(line) else { throw ProtocolError(description: "bad integer \(line)") }
            buffer = lineBuffer
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1, length <= maxBulkLength else {
                throw ProtocolError(description: "bad bulk length \(line)")
            }
            if length == -1 {
                buffer = lineBuffer
                return .bulkString(nil)
            }
            guard lineBuffer.readableBytes >= length + 2, let bytes = lineBuffer.readBytes(length: length) else {
                return nil
            }
            lineBuffer.moveReaderIndex(forwardBy: 2)
            buffer = lineBuffer
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1 else {
                throw ProtocolError(description: "bad array length \(line)")
            }
            if count == -1 {
                buffer = lineBuffer
                return .array(nil)
            }
            var elements: [RESPValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                guard let element = try parseValue(&lineBuffer) else { return nil }
                elements.append(element)
            }
            buffer = lineBuffer
            return .array(elements)
        default:
            throw ProtocolError(description: "unknown RESP type byte \(type)")
        }
    }

    private static func readLine(_ buffer: inout ByteBuffer) -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: UInt8(ascii: "\r")), cr + 1 < view.endIndex,
            view[cr + 1] == UInt8(ascii: "\n")
        else {
            return nil
        }
        let length = cr - view.startIndex
        let line = buffer.readString(length: length)
        buffer.moveReaderIndex(forwardBy: 2)
        return line
    }
}

/// Collects bytes as they arrive and hands out each complete RESP value; a value split across reads waits for the rest.
struct RESPReader {
    private var buffer: ByteBuffer?

    mutating func append(_ incoming: inout ByteBuffer) {
        if var existing = buffer {
            existing.writeBuffer(&incoming)
            buffer = existing
        } else {
            buffer = incoming
        }
    }

    /// The next complete value, or nil until more bytes arrive. Throws on bytes that are not RESP.
    mutating func next() throws -> RESPValue? {
        guard var current = buffer, let value = try RESPParser.parse(&current) else {
            buffer?.discardReadBytes()
            return nil
        }
        buffer = current.readableBytes > 0 ? current : nil
        return value
    }
}

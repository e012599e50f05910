import NIOCore
import Testing

@testable import RedisWire

@Suite struct RESPParserTests {
    func parse(_ text: String) throws -> (RESPValue?, Int) {
        var buffer = ByteBuffer(string: text)
        let value = try RESPParser.parse(&buffer)
        return (value, buffer.readableBytes)
    }

    @Test func everyType() throws {
        #expect(try parse("+OK\r\n").0 == .simpleString("OK"))
        #expect(try parse("-ERR boom\r\n").0 == .error("ERR boom"))
        #expect(try parse(":-42\r\n").0 == .integer(-42))
        #expect(try parse("$5\r\nhe\r\no\r\n").0 == .bulkString(Array("he\r\no".utf8)))
        #expect(try parse("$-1\r\n").0 == .bulkString(nil))
        #expect(try parse("*2\r\n:1\r\n$1\r\nx\r\n").0 == .array([.integer(1), .bulkString([120])]))
        #expect(try parse("*-1\r\n").0 == .array(nil))
    }

    @Test func partialInputWaitsAndConsumesNothing() throws {
        for partial in ["+O", "$5\r\nhe", "*2\r\n:1\r\n", ":12"] {
            let (value, left) = try parse(partial)
            #expect(value == nil && left == partial.utf8.count, "\(partial)")
        }
        let (value, left) = try parse(":1\r\n:2\r\n")
        #expect(value == .integer(1) && left == 4)
    }

    @Test func garbageIsAProtocolError() {
        #expect(throws: RESPParser.ProtocolError.self) { try parse("?what\r\n") }
        #expect(throws: RESPParser.ProtocolError.self) { try parse(":abc\r\n") }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        RESPEncoder.encode(["SET", "k", RESPArgument(bytes: [0, 13, 10])], into: &buffer)
        #expect(String(buffer: buffer) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\u{0}\r\n\r\n")
    }

    @Test func theReaderWaitsForValuesSplitAcrossReads() throws {
        var reader = RESPReader()
        var first = ByteBuffer(string: "+OK\r\n$5\r\nhel")
        reader.append(&first)
        #expect(try reader.next() == .simpleString("OK"))
        #expect(try reader.next() == nil, "half a bulk string is not a value yet")
        var rest = ByteBuffer(string: "lo\r\n:7\r\n")
        reader.append(&rest)
        #expect(try reader.next() == .bulkString(Array("hello".utf8)))
        #expect(try reader.next() == .integer(7))
        #expect(try reader.next() == nil)
        var garbage = ByteBuffer(string: "?what\r\n")
        reader.append(&garbage)
        #expect(throws: (any Error).self) { try reader.next() }
    }
}

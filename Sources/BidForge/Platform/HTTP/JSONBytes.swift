import Foundation

/// JSON written straight into bytes for the few shapes every listing repeats, where `JSONEncoder` (generic
/// containers, boxing, a date closure per field) was a sixth of an uncached listing's CPU. The output is the
/// encoder's own, byte for byte — keys in the order `.sortedKeys` gives, the same string escapes, IDs lower-case,
/// dates as `JSONCoding.formatDate` — which `JSONBytesTests` checks against `JSONCoding.encoder`.
struct JSONBytes {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init(capacity: Int = 1024) { bytes.reserveCapacity(capacity) }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// `"name":` (keys are ASCII identifiers, written as given; callers list them sorted).
    mutating func key(_ name: StaticString) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    Self.hexDigits[Int(byte >> 4)], Self.hexDigits[Int(byte & 0xF)]
                ])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func id(_ value: UUID) { string(value.lowercasedString) }

    mutating func id(_ value: UUID?) {
        if let value { id(value) } else { null() }
    }

    mutating func date(_ value: Date) { string(JSONCoding.formatDate(value)) }

    mutating func date(_ value: Date?) {
        if let value { date(value) } else { null() }
    }

    mutating func int<I: BinaryInteger>(_ value: I) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    mutating func int<I: BinaryInteger>(_ value: I?) {
        if let value { int(value) } else { null() }
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
        needsComma = true
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
        needsComma = true
    }

    mutating func strings(_ values: [String]) {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for value in values { string(value) }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Inside an array a value follows the previous one with a comma; after a key it does not.
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
    }
}

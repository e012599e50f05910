import Foundation
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An incremental `multipart/form-data` reader (RFC 7578) for bodies that arrive in chunks and must not be held
/// whole. Body bytes come out as slices of what was fed (no per-byte work: the delimiter is found with memchr and
/// memcmp), and at most one delimiter's length is held back between chunks.
struct MultipartScanner {
    enum Event {
        /// A part begins; header names are lower-cased.
        case part(headers: [String: String])
        case body(ByteBuffer)
        case partEnd
    }

    enum Failure: Error { case malformed(String) }

    static let maxHeaderBytes = 16 * 1024

    private enum State { case preamble, afterDelimiter, headers, body, epilogue }

    private let delimiter: [UInt8]
    private var state = State.preamble
    private var pending = ByteBuffer()

    init(boundary: String) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        // The first delimiter has no CRLF before it; pretending one came makes every delimiter look the same.
        pending.writeString("\r\n")
    }

    /// True once the closing delimiter has been read.
    var isComplete: Bool { state == .epilogue }

    mutating func feed(_ chunk: ByteBuffer) throws -> [Event] {
        var chunk = chunk
        if state == .epilogue { return [] }
        pending.writeBuffer(&chunk)
        var events: [Event] = []
        while try step(&events) {}
        if pending.readerIndex > 64 * 1024 { pending.discardReadBytes() }
        return events
    }

    /// One move of the state machine; false when more bytes are needed.
    private mutating func step(_ events: inout [Event]) throws -> Bool {
        switch state {
        case .preamble:
            guard let at = find(delimiter) else {
                pending.moveReaderIndex(forwardBy: max(0, pending.readableBytes - delimiter.count + 1))
                return false
            }
            pending.moveReaderIndex(forwardBy: at + delimiter.count)
            state = .afterDelimiter
            return true
        case .afterDelimiter:
            guard pending.readableBytes >= 2, let two = pending.readBytes(length: 2) else { return false }
            if two == [0x2D, 0x2D] {  // "--": the closing delimiter
                state = .epilogue
                pending.moveReaderIndex(forwardBy: pending.readableBytes)
                return false
            }
            guard two == [0x0D, 0x0A] else { throw Failure.malformed("no line break after a boundary") }
            state = .headers
            return true
        case .headers:
            if pending.readableBytes >= 2, pending.getBytes(at: pending.readerIndex, length: 2) == [0x0D, 0x0A] {
                pending.moveReaderIndex(forwardBy: 2)  // a part with no headers at all
                events.append(.part(headers: [:]))
                state = .body
                return true
            }
            guard let at = find([0x0D, 0x0A, 0x0D, 0x0A]) else {
                if pending.readableBytes > Self.maxHeaderBytes { throw Failure.malformed("part headers too long") }
                return false
            }
            let text = pending.readString(length: at) ?? ""
            pending.moveReaderIndex(forwardBy: 4)
            events.append(.part(headers: Self.parseHeaders(text)))
            state = .body
            return true
        case .body:
            if let at = find(delimiter) {
                if at > 0 { events.append(.body(pending.readSlice(length: at)!)) }
                pending.moveReaderIndex(forwardBy: delimiter.count)
                events.append(.partEnd)
                state = .afterDelimiter
                return true
            }
            // Everything but a possible start of the delimiter is body.
            let safe = pending.readableBytes - (delimiter.count - 1)
            if safe > 0 { events.append(.body(pending.readSlice(length: safe)!)) }
            return false
        case .epilogue:
            return false
        }
    }

    /// Offset of `needle` in the unread bytes, if present.
    private func find(_ needle: [UInt8]) -> Int? {
        pending.withUnsafeReadableBytes { haystack -> Int? in
            guard let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
            return needle.withUnsafeBytes { needleBytes -> Int? in
                var offset = 0
                let last = haystack.count - needle.count
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(needle[0]), last - offset + 1) else { return nil }
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, needleBytes.baseAddress!, needle.count) == 0 { return position }
                    offset = position + 1
                }
                return nil
            }
        }
    }

    static func parseHeaders(_ text: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return headers
    }
}

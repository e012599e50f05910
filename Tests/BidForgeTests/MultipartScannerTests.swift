import Foundation
import NIOCore
import Testing

@testable import BidForge

@Suite struct MultipartScannerTests {
    struct Part: Equatable {
        var headers: [String: String]
        var body: [UInt8]
    }

    func scan(_ body: ByteBuffer, boundary: String, chunk: Int) throws -> (parts: [Part], complete: Bool) {
        var scanner = MultipartScanner(boundary: boundary)
        var parts: [Part] = []
        var open: Part?
        var rest = body
        while rest.readableBytes > 0 {
            let piece = rest.readSlice(length: min(chunk, rest.readableBytes))!
            for event in try scanner.feed(piece) {
                switch event {
                case .part(let headers): open = Part(headers: headers, body: [])
                case .body(let bytes): open?.body += Array(bytes.readableBytesView)
                case .partEnd:
                    parts.append(open!)
                    open = nil
                }
            }
        }
        return (parts, scanner.isComplete)
    }

    @Test(arguments: [1, 2, 7, 64, 4096, 1 << 30])
    func partsSurviveAnyChunking(chunk: Int) throws {
        // Bytes that look like the start of a delimiter must stay in the body.
        var tricky = Array("line\r\n--not-the-boundary\r\n-".utf8) + [0x0D, 0x0A, 0x2D]
        tricky += Samples.pdf(10_000)
        var body = MultipartBody()
        body.field("title", "Level 2 — plans")
        body.file(tricky, filename: "a;b.pdf", type: "application/pdf")
        let (parts, complete) = try scan(body.finished(), boundary: body.boundary, chunk: chunk)
        #expect(complete)
        #expect(parts.count == 2)
        #expect(parts.first?.body == Array("Level 2 — plans".utf8))
        #expect(parts.first?.headers["content-disposition"] == "form-data; name=\"title\"")
        #expect(parts.last?.headers["content-type"] == "application/pdf")
        #expect(parts.last?.body == tricky)
    }

    @Test func aTruncatedBodyIsNotComplete() throws {
        var body = MultipartBody()
        body.file(Array("hello".utf8), filename: "a.txt")
        let (parts, complete) = try scan(body.buffer, boundary: body.boundary, chunk: 3)
        #expect(!complete)
        #expect(parts.isEmpty)
    }

    @Test func garbageAfterABoundaryIsRefused() {
        var scanner = MultipartScanner(boundary: "b")
        #expect(throws: MultipartScanner.Failure.self) { try scanner.feed(ByteBuffer(string: "--bXX")) }
    }
}

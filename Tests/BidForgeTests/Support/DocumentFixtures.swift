import Crypto
import Foundation
import Testing
import Vapor

@testable import BidForge

/// Multipart bodies, sample files of each kind, and a small PNG encoder for image tests.
enum Samples {
    static func pdf(_ size: Int) -> [UInt8] {
        var bytes = Array("%PDF-1.7\n".utf8)
        var seed: UInt32 = 2463534242
        while bytes.count < size {
            seed ^= seed << 13
            seed ^= seed >> 17
            seed ^= seed << 5
            bytes.append(UInt8(truncatingIfNeeded: seed))
        }
        return Array(bytes.prefix(size))
    }

    static func text(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    /// An RGB PNG of `width`×`height` with a gradient, stored (uncompressed) deflate blocks.
    static func png(width: Int, height: Int) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width * 3 + 1) * height)
        for y in 0..<height {
            raw.append(0)
            for x in 0..<width { raw += [UInt8(x * 255 / max(width - 1, 1)), UInt8(y * 255 / max(height - 1, 1)), 128] }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, raw.count - offset)
            let final: UInt8 = offset + length == raw.count ? 1 : 0
            zlib += [
                final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)
            ]
            zlib += raw[offset..<(offset + length)]
            offset += length
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += be32((b << 16) | a)
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    /// A decompression bomb's shape: a valid header claiming `width`×`height` pixels, and a few bytes of image data.
    static func pngHeaderOnly(width: Int, height: Int) -> [UInt8] {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", [0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01])
        png += chunk("IEND", [])
        return png
    }

    private static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFFFFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFFFFFF
    }

    /// Width and height from a JPEG's start-of-frame marker.
    static func jpegSize(_ bytes: [UInt8]) -> (width: Int, height: Int)? {
        var i = 2
        while i + 9 < bytes.count {
            guard bytes[i] == 0xFF else { return nil }
            let marker = bytes[i + 1]
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            if (0xC0...0xC3).contains(marker) {
                return (Int(bytes[i + 7]) << 8 | Int(bytes[i + 8]), Int(bytes[i + 5]) << 8 | Int(bytes[i + 6]))
            }
            i += 2 + length
        }
        return nil
    }
}

/// A multipart/form-data body as a browser sends it.
struct MultipartBody {
    let boundary = "----BidForgeTest\(UUID().uuidString.prefix(8))"
    var buffer = ByteBuffer()

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func field(_ name: String, _ value: String) {
        buffer.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    mutating func file(
        _ bytes: [UInt8], filename: String, type: String? = "application/octet-stream", name: String = "file"
    ) {
        buffer.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\n")
        if let type { buffer.writeString("Content-Type: \(type)\r\n") }
        buffer.writeString("\r\n")
        buffer.writeBytes(bytes)
        buffer.writeString("\r\n")
    }

    func finished() -> ByteBuffer {
        var out = buffer
        out.writeString("--\(boundary)--\r\n")
        return out
    }
}

extension TestApp {
    func upload(
        _ owner: Member, to project: UUID, _ bytes: [UInt8], filename: String = "plans.pdf",
        type: String? = "application/pdf", title: String? = nil, replaces: UUID? = nil,
        headers: [String: String] = [:]
    ) async throws -> TestResponse {
        var body = MultipartBody()
        if let title { body.field("title", title) }
        if let replaces { body.field("replaces", replaces.uuidString) }
        body.file(bytes, filename: filename, type: type)
        return try await request(
            .POST, "/api/v1/projects/\(project)/documents", token: owner.token, headers: headers,
            rawBody: body.finished(), contentType: body.contentType)
    }
}

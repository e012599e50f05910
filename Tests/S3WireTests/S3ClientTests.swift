import AsyncHTTPClient
import Foundation
import NIOCore
import S3WireTesting
import Testing

@testable import S3Wire

@Suite(.enabled(if: MotoServer.available, "moto[server] is not installed (pip install 'moto[server]')"))
struct S3ClientTests {
    func bytes(_ count: Int, seed: UInt8 = 7) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        var x = seed
        for _ in 0..<count {
            x = x &* 31 &+ 17
            buffer.writeInteger(x)
        }
        return buffer
    }

    @Test func putGetHeadDeleteRoundTrip() async throws {
        let s3 = try await MotoServer.client()
        let body = bytes(100_000)
        let etag = try await s3.put("plans/A-101 rev 2.pdf", body: body, contentType: "application/pdf")
        #expect(etag != nil)
        #expect(try await s3.get("plans/A-101 rev 2.pdf") == body)
        let head = try #require(try await s3.head("plans/A-101 rev 2.pdf"))
        #expect(head.size == 100_000 && head.contentType == "application/pdf")
        #expect(try await s3.get("plans/A-101 rev 2.pdf", range: 10...19) == body.getSlice(at: 10, length: 10))
        try await s3.delete("plans/A-101 rev 2.pdf")
        #expect(try await s3.head("plans/A-101 rev 2.pdf") == nil)
        await #expect(throws: S3Error.notFound) { try await s3.get("plans/A-101 rev 2.pdf") }
    }

    @Test func multipartUploadOfALargeFile() async throws {
        let s3 = try await MotoServer.client()
        let part1 = bytes(5 * 1024 * 1024, seed: 1), part2 = bytes(123_457, seed: 2)
        let id = try await s3.createMultipartUpload("big.dwg", contentType: "image/vnd.dwg")
        let e1 = try await s3.uploadPart("big.dwg", uploadId: id, number: 1, body: part1)
        let e2 = try await s3.uploadPart("big.dwg", uploadId: id, number: 2, body: part2)
        try await s3.completeMultipartUpload("big.dwg", uploadId: id, parts: [(1, e1), (2, e2)])
        var whole = part1
        var tail = part2
        whole.writeBuffer(&tail)
        #expect(try await s3.get("big.dwg") == whole)
        let aborted = try await s3.createMultipartUpload("gone.bin", contentType: "application/octet-stream")
        try await s3.abortMultipartUpload("gone.bin", uploadId: aborted)
        #expect(try await s3.head("gone.bin") == nil)
    }

    @Test func aPresignedURLDownloadsWithoutCredentials() async throws {
        let s3 = try await MotoServer.client()
        try await s3.put("specs/Division 03.txt", body: ByteBuffer(string: "Concrete"), contentType: "text/plain")
        let url = s3.presignedGetURL("specs/Division 03.txt", expires: 300)
        #expect(url.query?.contains("X-Amz-Expires=300") == true && url.query?.contains("X-Amz-Signature=") == true)
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: url.absoluteString), timeout: .seconds(10))
        #expect(response.status == .ok)
        #expect(String(buffer: try await response.body.collect(upTo: 1 << 20)) == "Concrete")
    }

    @Test func serverErrorsCarryS3sCode() async throws {
        let s3 = try await MotoServer.client()
        await #expect(throws: S3Error.self) {
            try await s3.completeMultipartUpload("nothing", uploadId: "no-such-upload", parts: [(1, "\"x\"")])
        }
    }
}

import BidForgeCore
import NIOCore
import NIOPosix
import Vapor

/// Streams a file from disk in chunks with `Content-Length`, `ETag`, `If-None-Match` (304) and single byte ranges
/// (206, 416), so a 1 GB plan set costs one chunk of memory and a PDF viewer can jump to page 300.
enum FileStreaming {
    static let chunkSize = 64 * 1024

    struct Presentation {
        var etag: String
        var contentType: String
        var contentDisposition: String?
        var cacheControl = "private, max-age=300"
    }

    static func respond(to req: Request, path: String, _ presentation: Presentation) async throws -> Response {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard let size = (attributes?[.size] as? NSNumber)?.int64Value else {
            req.logger.error("a stored document is missing from disk", metadata: ["path": .string(path)])
            throw APIError(
                .internalServerError, "DOCUMENT_UNAVAILABLE",
                "The document's bytes could not be read; the operators have been told.")
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: presentation.etag)
        headers.replaceOrAdd(name: .acceptRanges, value: "bytes")
        headers.replaceOrAdd(name: .cacheControl, value: presentation.cacheControl)
        if let disposition = presentation.contentDisposition {
            headers.replaceOrAdd(name: .contentDisposition, value: disposition)
            // Whatever a document contains, a browser must not run it as a page of ours.
            headers.replaceOrAdd(name: "Content-Security-Policy", value: "sandbox")
        }
        if ETags.ifNoneMatchHits(req.headers.first(name: .ifNoneMatch), presentation.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.replaceOrAdd(name: .contentType, value: presentation.contentType)

        // If-Range: ranges only against the representation the client already has part of.
        var rangeHeader = req.headers.first(name: .range)
        if let ifRange = req.headers.first(name: .ifRange), ifRange != presentation.etag { rangeHeader = nil }
        switch ByteRangeRequest.parse(rangeHeader, size: size) {
        case .unsatisfiable:
            headers.replaceOrAdd(name: .contentRange, value: "bytes */\(size)")
            headers.remove(name: .contentType)
            return Response(status: .rangeNotSatisfiable, headers: headers)
        case .partial(let range):
            headers.replaceOrAdd(name: .contentRange, value: "bytes \(range.lowerBound)-\(range.upperBound)/\(size)")
            return Response(
                status: .partialContent, headers: headers,
                body: body(path, from: range.lowerBound, count: range.upperBound - range.lowerBound + 1))
        case .whole:
            return Response(status: .ok, headers: headers, body: body(path, from: 0, count: size))
        }
    }

    private static func body(_ path: String, from offset: Int64, count: Int64) -> Response.Body {
        Response.Body(
            asyncStream: { writer in
                let pool = NIOThreadPool.singleton
                let fileIO = NonBlockingFileIO(threadPool: pool)
                do {
                    let handle = try await FileHandles.openForReading(path, on: pool)
                    defer { try? handle.close() }
                    var position = offset
                    let end = offset + count
                    while position < end {
                        let length = Int(min(Int64(chunkSize), end - position))
                        let chunk = try await fileIO.read(
                            fileHandle: handle, fromOffset: position, byteCount: length,
                            allocator: ByteBufferAllocator())
                        guard chunk.readableBytes > 0 else { throw CocoaError(.fileReadCorruptFile) }  // file shrank
                        position += Int64(chunk.readableBytes)
                        try await writer.writeBuffer(chunk)
                    }
                    try await writer.write(.end)
                } catch {
                    try? await writer.write(.error(error))
                }
            }, count: Int(count))
    }
}

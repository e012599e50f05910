import BidForgeCore
import Crypto
import Vapor

/// A JSON body with an `ETag` (a hash of the bytes): a client that sends the tag back in `If-None-Match` gets 304 and
/// no body when nothing changed. Bodies depend on the caller, hence `private` and `Vary: Authorization`.
struct CachedJSON<Body: Encodable & Sendable>: AsyncResponseEncodable {
    let body: Body

    init(_ body: Body) { self.body = body }

    func encodeResponse(for request: Request) async throws -> Response {
        try await CachedJSONBytes(bytes: Array(try JSONCoding.encoder.encode(body))).encodeResponse(for: request)
    }
}

/// JSON that is already encoded (a cached entry): the same ETag / 304 handling as `CachedJSON`.
struct CachedJSONBytes: AsyncResponseEncodable {
    let bytes: [UInt8]

    func encodeResponse(for request: Request) async throws -> Response {
        let etag = "\"" + SHA256.hash(data: bytes).prefix(16).hex + "\""
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .eTag, value: etag)
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-cache")
        headers.replaceOrAdd(name: .vary, value: "Authorization")
        if ETags.ifNoneMatchHits(request.headers.first(name: .ifNoneMatch), etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: bytes)))
    }
}

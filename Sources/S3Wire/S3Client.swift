import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Errors a caller can act on.
public enum S3Error: Error, Equatable, Sendable {
    /// S3 answered with an error document (`code` such as `NoSuchKey`, `AccessDenied`).
    case server(status: Int, code: String, message: String)
    case notFound
    case invalidResponse(String)
}

/// The few S3 operations object storage needs, signed with `SigV4Signer`, against AWS or any S3-compatible service
/// (path-style addressing, so `http://127.0.0.1:5000` works as an endpoint).
public final class S3Client: Sendable {
    public struct Configuration: Sendable {
        public var endpoint: URL
        public var bucket: String
        public var region: String
        public var credentials: S3Credentials
        public var timeout: TimeAmount

        public init(
            endpoint: URL, bucket: String, region: String, credentials: S3Credentials,
            timeout: TimeAmount = .seconds(60)
        ) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.region = region
            self.credentials = credentials
            self.timeout = timeout
        }
    }

    public struct Object: Sendable {
        public let size: Int64
        public let etag: String?
        public let contentType: String?
    }

    public let configuration: Configuration
    private let http: HTTPClient
    private let signer: SigV4Signer
    private let clock: @Sendable () -> Date

    public init(
        configuration: Configuration, http: HTTPClient = .shared, clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        self.http = http
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region)
        self.clock = clock
    }

    // MARK: objects

    public func createBucketIfNeeded() async throws {
        let response = try await send("PUT", key: nil)
        guard response.status.code < 300 || response.status.code == 409 else { throw try await Self.error(response) }
    }

    /// Stores `body` under `key`; returns the ETag.
    @discardableResult
    public func put(_ key: String, body: ByteBuffer, contentType: String) async throws -> String? {
        let response = try await send("PUT", key: key, headers: [("Content-Type", contentType)], body: body)
        guard response.status.code < 300 else { throw try await Self.error(response) }
        return response.headers.first(name: "ETag")
    }

    public func get(_ key: String, range: ClosedRange<Int64>? = nil) async throws -> ByteBuffer {
        var headers: [(String, String)] = []
        if let range { headers.append(("Range", "bytes=\(range.lowerBound)-\(range.upperBound)")) }
        let response = try await send("GET", key: key, headers: headers)
        guard response.status.code < 300 else { throw try await Self.error(response) }
        return try await response.body.collect(upTo: Int.max)
    }

    /// Size and ETag, or nil when there is no such object.
    public func head(_ key: String) async throws -> Object? {
        let response = try await send("HEAD", key: key)
        if response.status == .notFound { return nil }
        guard response.status.code < 300 else { throw try await Self.error(response) }
        return Object(
            size: response.headers.first(name: "Content-Length").flatMap(Int64.init) ?? 0,
            etag: response.headers.first(name: "ETag"), contentType: response.headers.first(name: "Content-Type"))
    }

    public func delete(_ key: String) async throws {
        let response = try await send("DELETE", key: key)
        guard response.status.code < 300 || response.status == .notFound else { throw try await Self.error(response) }
    }

    /// A URL that downloads `key` without credentials until it expires. `contentDisposition` and `contentType`, when
    /// given, are the headers S3 answers with (signed into the URL, so they cannot be changed by its holder).
    public func presignedGetURL(
        _ key: String, expires: Int, contentDisposition: String? = nil, contentType: String? = nil
    ) -> URL {
        let (host, path) = location(of: key)
        var overrides: [(String, String)] = []
        if let contentDisposition { overrides.append(("response-content-disposition", contentDisposition)) }
        if let contentType { overrides.append(("response-content-type", contentType)) }
        let query = signer.presignedQuery(
            SigV4Signer.Request(method: "GET", host: host, path: path, query: overrides),
            expires: expires, date: clock())
        return URL(string: "\(base)\(SigV4Signer.canonicalPath(path))?\(query)")!
    }

    // MARK: multipart upload (large files, streamed part by part)

    public func createMultipartUpload(_ key: String, contentType: String) async throws -> String {
        let response = try await send(
            "POST", key: key, query: [("uploads", "")], headers: [("Content-Type", contentType)])
        guard response.status.code < 300 else { throw try await Self.error(response) }
        let xml = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard let id = Self.element("UploadId", in: xml) else {
            throw S3Error.invalidResponse("no UploadId in \(xml.prefix(200))")
        }
        return id
    }

    /// Uploads part `number` (1-based; every part but the last at least 5 MiB); returns its ETag.
    public func uploadPart(_ key: String, uploadId: String, number: Int, body: ByteBuffer) async throws -> String {
        let response = try await send(
            "PUT", key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)], body: body)
        guard response.status.code < 300, let etag = response.headers.first(name: "ETag") else {
            throw try await Self.error(response)
        }
        return etag
    }

    public func completeMultipartUpload(_ key: String, uploadId: String, parts: [(number: Int, etag: String)])
        async throws
    {
        let xml =
            "<CompleteMultipartUpload>"
            + parts.map {
                "<Part><PartNumber>\($0.number)</PartNumber><ETag>\(Self.escape($0.etag))</ETag></Part>"
            }.joined() + "</CompleteMultipartUpload>"
        let response = try await send(
            "POST", key: key, query: [("uploadId", uploadId)], headers: [("Content-Type", "application/xml")],
            body: ByteBuffer(string: xml))
        // S3 can answer 200 with an error document when completion fails late.
        let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        guard response.status.code < 300, !text.contains("<Error>") else {
            throw S3Error.server(
                status: Int(response.status.code), code: Self.element("Code", in: text) ?? "Unknown",
                message: Self.element("Message", in: text) ?? text)
        }
    }

    public func abortMultipartUpload(_ key: String, uploadId: String) async throws {
        let response = try await send("DELETE", key: key, query: [("uploadId", uploadId)])
        guard response.status.code < 300 || response.status == .notFound else { throw try await Self.error(response) }
    }

    // MARK: plumbing

    private var base: String {
        var text = configuration.endpoint.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// Path-style: `/bucket/key`.
    private func location(of key: String?) -> (host: String, path: String) {
        var host = configuration.endpoint.host ?? "localhost"
        if let port = configuration.endpoint.port { host += ":\(port)" }
        let path = "/" + configuration.bucket + (key.map { "/" + $0 } ?? "")
        return (host, path)
    }

    private func send(
        _ method: String, key: String?, query: [(String, String)] = [], headers: [(String, String)] = [],
        body: ByteBuffer? = nil
    ) async throws -> HTTPClientResponse {
        let (host, path) = location(of: key)
        let signed = headers
        let payloadHash =
            body.map { SigV4Signer.payloadHash(Data($0.readableBytesView)) } ?? SigV4Signer.emptyPayloadHash
        let finalHeaders = signer.sign(
            SigV4Signer.Request(method: method, host: host, path: path, query: query, headers: signed),
            payloadHash: payloadHash, date: clock())
        let queryText = query.isEmpty ? "" : "?" + SigV4Signer.canonicalQuery(query)
        var request = HTTPClientRequest(url: base + SigV4Signer.canonicalPath(path) + queryText)
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in finalHeaders where name.lowercased() != "host" {
            request.headers.add(name: name, value: value)
        }
        if let body { request.body = .bytes(body) }
        return try await http.execute(request, timeout: configuration.timeout)
    }

    private static func error(_ response: HTTPClientResponse) async throws -> S3Error {
        if response.status == .notFound { return .notFound }
        let text = String(buffer: (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer())
        return .server(
            status: Int(response.status.code), code: element("Code", in: text) ?? "HTTP\(response.status.code)",
            message: element("Message", in: text) ?? String(text.prefix(200)))
    }

    /// The text of the first `<name>…</name>` (S3's XML answers are small and flat).
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"),
            let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[open.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

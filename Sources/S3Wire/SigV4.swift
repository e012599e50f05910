import Crypto
import Foundation

/// AWS credentials for signing. Never printed: `description` hides the secret.
public struct S3Credentials: Sendable, CustomStringConvertible {
    public let accessKeyId: String
    public let secretAccessKey: String
    public let sessionToken: String?

    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String { "S3Credentials(accessKeyId: \(accessKeyId), secretAccessKey: <hidden>)" }
}

/// AWS Signature Version 4, as S3 uses it: request headers (`Authorization`) and presigned URLs.
/// Paths are given already split from the query; each path segment is encoded once (S3 does not double-encode).
public struct SigV4Signer: Sendable {
    public let credentials: S3Credentials
    public let region: String
    public let service: String

    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    public struct Request: Sendable {
        public var method: String
        public var host: String
        /// Unencoded path, starting with `/` (`/bucket/key with spaces`).
        public var path: String
        public var query: [(String, String)]
        public var headers: [(String, String)]

        public init(
            method: String, host: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = []
        ) {
            self.method = method
            self.host = host
            self.path = path
            self.query = query
            self.headers = headers
        }
    }

    /// The headers to send: the request's own plus `host`, `x-amz-date`, `x-amz-content-sha256`, the session token
    /// when there is one, and `Authorization`.
    public func sign(_ request: Request, payloadHash: String, date: Date) -> [(String, String)] {
        let stamp = AmzDate(date)
        var headers = request.headers.filter {
            !["host", "x-amz-date", "x-amz-content-sha256", "authorization"].contains($0.0.lowercased())
        }
        headers.append(("host", request.host))
        headers.append(("x-amz-date", stamp.full))
        headers.append(("x-amz-content-sha256", payloadHash))
        if let token = credentials.sessionToken { headers.append(("x-amz-security-token", token)) }
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: request.query,
            headers: headers, payloadHash: payloadHash)
        let signature = self.signature(stringToSign: stringToSign(canonical.text, stamp: stamp), stamp: stamp)
        headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(scope(stamp)), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            ))
        return headers
    }

    /// A URL anyone can use until it expires (`expires` seconds, at most 7 days): the query carries the signature.
    public func presignedQuery(_ request: Request, expires: Int, date: Date) -> String {
        let stamp = AmzDate(date)
        var query = request.query
        query.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyId)/\(scope(stamp))"))
        query.append(("X-Amz-Date", stamp.full))
        query.append(("X-Amz-Expires", String(min(max(expires, 1), 604_800))))
        if let token = credentials.sessionToken { query.append(("X-Amz-Security-Token", token)) }
        let headers = request.headers + [("host", request.host)]
        query.append(("X-Amz-SignedHeaders", Self.signedHeaderNames(headers)))
        let canonical = canonicalRequest(
            method: request.method, path: request.path, query: query, headers: headers,
            payloadHash: Self.unsignedPayload)
        let signature = self.signature(stringToSign: stringToSign(canonical.text, stamp: stamp), stamp: stamp)
        return Self.canonicalQuery(query) + "&X-Amz-Signature=" + signature
    }

    // MARK: the algorithm, step by step (internal for the test vectors)

    func canonicalRequest(
        method: String, path: String, query: [(String, String)], headers: [(String, String)],
        payloadHash: String
    ) -> (text: String, signedHeaders: String) {
        let canonicalHeaders = Self.canonicalHeaders(headers)
        let signedHeaders = Self.signedHeaderNames(headers)
        let text = [
            method.uppercased(), Self.canonicalPath(path), Self.canonicalQuery(query),
            canonicalHeaders.map { "\($0.0):\($0.1)\n" }.joined(), signedHeaders, payloadHash
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    func stringToSign(_ canonicalRequest: String, stamp: AmzDate) -> String {
        ["AWS4-HMAC-SHA256", stamp.full, scope(stamp), Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(
            separator: "\n")
    }

    func signature(stringToSign: String, stamp: AmzDate) -> String {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [stamp.day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    func scope(_ stamp: AmzDate) -> String { "\(stamp.day)/\(region)/\(service)/aws4_request" }

    static func canonicalHeaders(_ headers: [(String, String)]) -> [(String, String)] {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            let trimmed = value.trimmingCharacters(in: .whitespaces).split(
                separator: " ", omittingEmptySubsequences: true
            ).joined(separator: " ")
            merged[name.lowercased(), default: []].append(trimmed)
        }
        return merged.map { ($0.key, $0.value.joined(separator: ",")) }.sorted { $0.0 < $1.0 }
    }

    static func signedHeaderNames(_ headers: [(String, String)]) -> String {
        Set(headers.map { $0.0.lowercased() }).sorted().joined(separator: ";")
    }

    static func canonicalPath(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map { uriEncode(String($0)) }
        let joined = segments.joined(separator: "/")
        return joined.hasPrefix("/") ? joined : "/" + joined
    }

    static func canonicalQuery(_ query: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = query.map { (uriEncode($0.0), uriEncode($0.1)) }
        let sorted = encoded.sorted { a, b in a.name == b.name ? a.value < b.value : a.name < b.name }
        return sorted.map { pair in pair.name + "=" + pair.value }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; every other byte is %XX (upper case), `/` included.
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The lowercase hex SHA-256 of a payload, for `x-amz-content-sha256`.
    public static func payloadHash(_ data: some DataProtocol) -> String { hex(SHA256.hash(data: data)) }
}

/// `20130524T000000Z` and `20130524`, in UTC.
struct AmzDate {
    let full: String
    let day: String

    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        day = String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
        full = day + String(format: "T%02d%02d%02dZ", c.hour!, c.minute!, c.second!)
    }
}

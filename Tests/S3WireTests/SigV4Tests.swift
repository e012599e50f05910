import Foundation
import Testing

@testable import S3Wire

/// The worked examples of AWS's S3 SigV4 documentation ("Signature Calculations for the Authorization Header" and
/// "Authenticating Requests: Using Query Parameters"): same credentials, same date, published signatures.
@Suite struct SigV4Tests {
    static let signer = SigV4Signer(
        credentials: S3Credentials(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1")
    static let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z
    static let host = "examplebucket.s3.amazonaws.com"

    func signature(of headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1.components(separatedBy: "Signature=").last
    }

    @Test func getObjectWithRange() {
        let request = SigV4Signer.Request(
            method: "GET", host: Self.host, path: "/test.txt", headers: [("Range", "bytes=0-9")])
        let headers = Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date)
        #expect(signature(of: headers) == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            headers.first { $0.0 == "Authorization" }?.1.contains(
                "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date") == true)
        let canonical = Self.signer.canonicalRequest(
            method: "GET", path: "/test.txt", query: [], headers: headers.filter { $0.0 != "Authorization" },
            payloadHash: SigV4Signer.emptyPayloadHash)
        #expect(
            Self.signer.stringToSign(canonical.text, stamp: AmzDate(Self.date)).hasSuffix(
                "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"))
    }

    @Test func putObjectWithAKeyThatNeedsEncoding() {
        let body = Data("Welcome to Amazon S3.".utf8)
        let hash = SigV4Signer.payloadHash(body)
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let request = SigV4Signer.Request(
            method: "PUT", host: Self.host, path: "/test$file.text",
            headers: [("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")])
        #expect(
            signature(of: Self.signer.sign(request, payloadHash: hash, date: Self.date))
                == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test func getBucketLifecycleWithAnEmptyQueryValue() {
        let request = SigV4Signer.Request(method: "GET", host: Self.host, path: "/", query: [("lifecycle", "")])
        #expect(
            signature(of: Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date))
                == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test func listObjectsSortsTheQuery() {
        let request = SigV4Signer.Request(
            method: "GET", host: Self.host, path: "/", query: [("prefix", "J"), ("max-keys", "2")])
        #expect(
            signature(of: Self.signer.sign(request, payloadHash: SigV4Signer.emptyPayloadHash, date: Self.date))
                == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test func presignedGet() {
        let request = SigV4Signer.Request(method: "GET", host: Self.host, path: "/test.txt")
        let query = Self.signer.presignedQuery(request, expires: 86_400, date: Self.date)
        #expect(
            query
                == "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
    }

    @Test func encodingKeepsOnlyUnreservedCharacters() {
        #expect(SigV4Signer.uriEncode("a b*(c)/~-_.é") == "a%20b%2A%28c%29%2F~-_.%C3%A9")
        #expect(SigV4Signer.canonicalPath("/bucket/plans & specs/A-101.pdf") == "/bucket/plans%20%26%20specs/A-101.pdf")
    }

    @Test func theSecretNeverPrints() {
        #expect(!"\(Self.signer.credentials)".contains("wJalr"))
    }
}

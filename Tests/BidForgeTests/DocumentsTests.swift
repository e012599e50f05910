import Foundation
import S3WireTesting
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// Where documents are stored in a test: the local disk, or a real S3-compatible server (moto).
enum StorageBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case local, s3
    var testDescription: String { rawValue }

    /// Runs `body` on an app storing documents in this backend. S3 needs moto; CI requires it.
    func run(environment extra: [String: String] = [:], _ body: (TestApp) async throws -> Void) async throws {
        var environment = extra
        if self == .s3 {
            guard MotoServer.available else { return }
            let port = try await MotoServer.port()
            let bucket = "docs-\(UUID().uuidString.prefix(8).lowercased())"
            _ = try await MotoServer.client(bucket: bucket)
            environment.merge([
                "S3_BUCKET": bucket, "S3_ENDPOINT": "http://127.0.0.1:\(port)",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"
            ]) { $1 }
        }
        try await TestApp.run(environment: environment, body)
    }
}

extension TestApp {
    /// The bytes of a document as a client gets them: streamed (local storage) or through the presigned redirect (S3).
    func download(
        _ document: UUID, token: String?, variant: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> (response: TestResponse, bytes: [UInt8]?) {
        let path = "/api/v1/documents/\(document)/content" + (variant.map { "?variant=\($0)" } ?? "")
        let r = try await request(.GET, path, token: token, headers: headers)
        switch r.status {
        case .ok, .partialContent: return (r, Array(r.body.readableBytesView))
        case .found:
            let location = try #require(r.headers.first(name: .location))
            let fetched = try await app.client.get(URI(string: location))
            try #require(fetched.status == .ok, "presigned GET failed: \(fetched.status)")
            return (r, fetched.body.map { Array($0.readableBytesView) } ?? [])
        default: return (r, nil)
        }
    }
}

@Suite struct DocumentRoundTripTests {
    @Test(arguments: StorageBackend.allCases)
    func uploadsComeBackByteForByte(backend: StorageBackend) async throws {
        try await backend.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .pro)  // 60 MB is over FREE's 25 MB
            let project = try await t.createProject(owner)
            for size in [1, 5_000_000, 60_000_000] {
                let bytes = size == 1 ? Samples.text("x") : Samples.pdf(size)
                let r = try await t.upload(
                    owner, to: project, bytes, filename: size == 1 ? "note.txt" : "plans-\(size).pdf",
                    type: size == 1 ? "text/plain" : "application/pdf")
                #expect(r.status == .created, "\(size) bytes: \(r.text.prefix(300))")
                #expect(r.json["sizeBytes"].int == size)
                #expect(r.json["sha256"].string == Samples.sha256(bytes))
                #expect(r.json["addendumNumber"].isNull, "a DRAFT project's documents are not addenda")
                let id = try #require(r.json["id"].uuid)
                let (download, back) = try await t.download(id, token: owner.token)
                #expect(download.status == (backend == .s3 ? .found : .ok))
                let received = try #require(back)
                #expect(received.count == size)
                #expect(Samples.sha256(received) == Samples.sha256(bytes), "\(size) bytes came back different")
                if backend == .s3, let storage = t.app.objectStorage as? S3Storage {
                    // Over one part (8 MiB) the upload went up as a multipart upload: S3's ETag says how many parts.
                    let stored = try await storage.client.head(
                        DocumentKeys.original(projectId: project, documentId: id))
                    let etag = (stored?.etag ?? "").replacingOccurrences(of: "\"", with: "")
                    let parts = etag.contains("-") ? etag.split(separator: "-").last.flatMap { Int($0) } : 1
                    #expect(
                        parts == (size > storage.partSize ? (size + storage.partSize - 1) / storage.partSize : 1),
                        "\(size) bytes stored with ETag \(stored?.etag ?? "none")")
                }
                t.clock.advance(by: 1)
            }
            let list = try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token)
            #expect(list.json["data"].array.map { $0["sizeBytes"].int } == [1, 5_000_000, 60_000_000])
        }
    }

    @Test func localDownloadsServeRangesAndRevalidate() async throws {
        try await StorageBackend.local.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let bytes = Samples.pdf(10_000)
            let id = try #require(try await t.upload(owner, to: project, bytes).json["id"].uuid)

            let whole = try await t.request(.GET, "/api/v1/documents/\(id)/content", token: owner.token)
            #expect(whole.status == .ok)
            #expect(whole.headers.first(name: .contentLength) == "10000")
            #expect(whole.headers.first(name: .acceptRanges) == "bytes")
            #expect(whole.headers.first(name: .contentType) == "application/pdf")
            let etag = try #require(whole.headers.first(name: .eTag))
            #expect(etag == "\"\(Samples.sha256(bytes))\"")

            let first = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token, headers: ["Range": "bytes=0-99"])
            #expect(first.status == .partialContent)
            #expect(first.headers.first(name: .contentRange) == "bytes 0-99/10000")
            #expect(Array(first.body.readableBytesView) == Array(bytes[0...99]))

            let tail = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token, headers: ["Range": "bytes=-10"])
            #expect(tail.status == .partialContent)
            #expect(Array(tail.body.readableBytesView) == Array(bytes[9_990...]))

            let middle = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token,
                headers: ["Range": "bytes=5000-5009", "If-Range": etag])
            #expect(Array(middle.body.readableBytesView) == Array(bytes[5_000...5_009]))

            let stale = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token,
                headers: ["Range": "bytes=5000-5009", "If-Range": "\"something-else\""])
            #expect(stale.status == .ok, "a range against another version must get the whole document")

            let past = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token, headers: ["Range": "bytes=20000-"])
            #expect(past.status == .rangeNotSatisfiable)
            #expect(past.headers.first(name: .contentRange) == "bytes */10000")

            let again = try await t.request(
                .GET, "/api/v1/documents/\(id)/content", token: owner.token, headers: ["If-None-Match": etag])
            #expect(again.status == .notModified)
            #expect(again.body.readableBytes == 0)
        }
    }

    @Test func presignedRedirectsLastFiveMinutesAndNameTheFile() async throws {
        try await StorageBackend.s3.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let id = try #require(
                try await t.upload(owner, to: project, Samples.pdf(2_000), filename: "Plän A.pdf").json["id"].uuid)
            let r = try await t.request(.GET, "/api/v1/documents/\(id)/content", token: owner.token)
            #expect(r.status == .found)
            #expect(r.headers.first(name: .cacheControl) == "no-store")
            let location = try #require(r.headers.first(name: .location).flatMap(URLComponents.init(string:)))
            let query = Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(query["X-Amz-Expires"] == "300")
            // Signed at the server's clock: valid from then for five minutes, never longer.
            let stamp = DateFormatter.amz.string(from: t.clock.now)
            #expect(query["X-Amz-Date"] == stamp)
            #expect(query["response-content-disposition"]?.contains("filename*=UTF-8''Pl%C3%A4n%20A.pdf") == true)
            #expect(query["X-Amz-Signature"]?.count == 64)
        }
    }
}

extension DateFormatter {
    static let amz: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f
    }()
}

@Suite struct DocumentRefusalTests {
    @Test func contentsMustMatchAnAcceptedKindAndTheDeclaredType() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let png = Samples.png(width: 4, height: 4)
            let lying = try await t.upload(owner, to: project, png, filename: "plans.pdf", type: "application/pdf")
            #expect(lying.status == .unsupportedMediaType)
            #expect(lying.json["error"]["details"]["detected"].string == "image/png")
            let binary = try await t.upload(
                owner, to: project, [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0], filename: "tool.pdf", type: nil)
            #expect(binary.status == .unsupportedMediaType)
            let empty = try await t.upload(owner, to: project, [], filename: "empty.pdf")
            #expect(empty.status == .badRequest)
            let notMultipart = try await t.request(
                .POST, "/api/v1/projects/\(project)/documents", token: owner.token,
                json: "{\"file\": \"plans.pdf\"}")
            #expect(notMultipart.status == .unsupportedMediaType)
            var noFile = MultipartBody()
            noFile.field("title", "Plans")
            let missing = try await t.request(
                .POST, "/api/v1/projects/\(project)/documents", token: owner.token,
                rawBody: noFile.finished(), contentType: noFile.contentType)
            #expect(missing.status == .badRequest)
            #expect(missing.json["error"]["details"]["file"].string != nil)
            // Nothing refused was kept.
            let list = try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token)
            #expect(list.json["pagination"]["total"].int == 0)
            let files = try FileManager.default.subpathsOfDirectory(
                atPath: t.app.settings.dataDirectory + "/files/projects"
            )
            .filter { $0.contains(project.uuidString.lowercased() + "/") }
            #expect(files.isEmpty, "refused uploads left \(files)")
        }
    }

    @Test func planLimitsAreEnforcedWithTheLimitInTheAnswer() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let tooBig = Samples.pdf(25_000_001)
            let streamed = try await t.upload(owner, to: project, tooBig)
            #expect(streamed.status == .payloadTooLarge)
            #expect(streamed.json["error"]["details"]["limitBytes"].int == 25_000_000)
            #expect(streamed.json["error"]["details"]["plan"].string == "FREE")
            // Announced by Content-Length through a real server: refused after the first bytes (Vapor runs a handler
            // once body bytes arrive), and the connection is closed rather than read to the end.
            let port = try await t.startServer()
            let announced = try await RawHTTP.exchange(
                port: port,
                """
                POST /api/v1/projects/\(project)/documents HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(owner.token)\r
                Content-Type: multipart/form-data; boundary=x\r
                Content-Length: 2000000000\r
                \r
                --x\r

                """)
            #expect(announced.hasPrefix("HTTP/1.1 413"), "\(announced.prefix(200))")
            #expect(announced.lowercased().contains("connection: close"))
            #expect(announced.contains("\"limitBytes\":25000000"))
            let exactly = try await t.upload(owner, to: project, Samples.pdf(25_000_000))
            #expect(exactly.status == .created, "the limit itself is allowed: \(exactly.text.prefix(200))")
        }
    }

    /// 20,000 extra fields once sat in memory (16 KiB each allowed, no count limit, chunked bodies unchecked). An upload
    /// is `file` and an optional short `title`: anything else is refused as it arrives, announced or chunked.
    @Test func uploadsTakeOnlyTheirFewSmallFields() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            func send(_ build: (inout MultipartBody) -> Void) async throws -> TestResponse {
                var body = MultipartBody()
                build(&body)
                body.file(Samples.pdf(2_000), filename: "plans.pdf", type: "application/pdf")
                return try await t.request(
                    .POST, "/api/v1/projects/\(project)/documents", token: owner.token,
                    rawBody: body.finished(), contentType: body.contentType)
            }
            let flood = try await send { body in
                for i in 0..<20_000 { body.field("f\(i)", String(repeating: "x", count: 16)) }
            }
            #expect(
                flood.status == .badRequest && flood.json["error"]["details"]["f0"].string != nil,
                "\(flood.text.prefix(200))")
            #expect(flood.headers.first(name: .connection) == "close")
            let titles = try await send { body in for _ in 0..<3 { body.field("title", "Plans") } }
            #expect(titles.status == .badRequest && titles.json["error"]["details"]["title"].string == "send it once")
            let long = try await send { $0.field("title", String(repeating: "t", count: 5_000)) }
            #expect(long.status == .badRequest && long.json["error"]["details"]["title"].string != nil)
            let parts = try await send { body in
                for _ in 0..<UploadReceiver.maxParts {
                    body.buffer.writeString("--\(body.boundary)\r\nX-Nothing: 1\r\n\r\nfiller\r\n")
                }
            }
            #expect(parts.status == .badRequest && parts.json["error"]["details"]["body"].string != nil)
            // Past the plan's limit plus the framing allowance, the body is refused even when no file part is in it.
            var padded = MultipartBody()
            padded.file(Samples.pdf(2_000), filename: "plans.pdf", type: "application/pdf")
            var tail = padded.finished()
            tail.writeRepeatingByte(UInt8(ascii: "\n"), count: 25_000_000 + Int(UploadReceiver.framingAllowance) + 1)
            let epilogue = try await t.request(
                .POST, "/api/v1/projects/\(project)/documents", token: owner.token,
                rawBody: tail, contentType: padded.contentType)
            #expect(epilogue.status == .payloadTooLarge)
            #expect(
                try await send { $0.field("title", "Ground floor") }.status == .created, "the form as the page sends it"
            )

            // The same through a real server with a chunked body (no Content-Length to check up front).
            let port = try await t.startServer()
            var chunked = MultipartBody()
            for i in 0..<100 { chunked.field("extra\(i)", "x") }
            let payload = String(buffer: chunked.finished())
            let answer = try await RawHTTP.exchange(
                port: port,
                """
                POST /api/v1/projects/\(project)/documents HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(owner.token)\r
                Content-Type: \(chunked.contentType)\r
                Transfer-Encoding: chunked\r
                \r
                \(String(payload.utf8.count, radix: 16))\r
                \(payload)\r
                0\r
                \r

                """)
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer.prefix(200))")
            #expect(answer.contains("extra0"))
        }
    }

    @Test func filenamesAreSanitisedAndKeysGenerated() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let r = try await t.upload(
                owner, to: project, Samples.text("scope"), filename: "../../etc/passwd", type: "text/plain")
            #expect(r.status == .created)
            #expect(r.json["filename"].string == "passwd")
            let windows = try await t.upload(
                owner, to: project, Samples.text("scope"), filename: "C:\\\\Users\\\\pat\\\\bid<1>.txt",
                type: "text/plain")
            #expect(windows.json["filename"].string == "bid_1_.txt")
            let id = try #require(r.json["id"].uuid)
            let stored = try #require(try await DocumentModel.find(id, on: t.app.db))
            #expect(stored.storageKey == "projects/\(project.uuidString.lowercased())/\(id.uuidString.lowercased())")
            #expect(!FileManager.default.fileExists(atPath: t.app.settings.dataDirectory + "/etc/passwd"))
            let download = try await t.request(.GET, "/api/v1/documents/\(id)/content", token: owner.token)
            #expect(download.headers.first(name: .contentDisposition)?.contains("filename=\"passwd\"") == true)
        }
    }

    @Test func otherCompaniesAndAnonymousVisitorsSeeOnlyWhatTheProjectShows() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let stranger = try await t.register(.contractor)
            let invited = try await t.register(.subcontractor)
            let privateProject = try await t.openProject(owner, t.projectJSON(visibility: "INVITE_ONLY"))
            let r = try await t.request(
                .POST, "/api/v1/projects/\(privateProject)/invitations", token: owner.token,
                body: ["companyIds": [.string(invited.companyId.uuidString)]] as [String: JSONValue])
            #expect(r.status == .created || r.status == .ok, "\(r.text)")
            let doc = try #require(try await t.upload(owner, to: privateProject, Samples.pdf(500)).json["id"].uuid)

            #expect(try await t.download(doc, token: stranger.token).response.status == .notFound)
            #expect(try await t.download(doc, token: nil).response.status == .notFound)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(privateProject)/documents", token: stranger.token).status
                    == .notFound)
            #expect(try await t.request(.GET, "/api/v1/projects/\(privateProject)/documents").status == .notFound)
            #expect(try await t.upload(stranger, to: privateProject, Samples.pdf(500)).status == .notFound)
            #expect(try await t.download(doc, token: invited.token).response.status == .ok)
            #expect(try await t.upload(invited, to: privateProject, Samples.pdf(500)).status == .forbidden)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(privateProject)/documents/activity", token: invited.token)
                    .status == .forbidden)
            #expect(
                try await t.request(
                    .GET, "/api/v1/projects/\(privateProject)/documents/activity", token: stranger.token
                ).status == .notFound)

            let publicProject = try await t.openProject(owner)
            let publicDoc = try #require(try await t.upload(owner, to: publicProject, Samples.pdf(500)).json["id"].uuid)
            #expect(try await t.download(publicDoc, token: nil).response.status == .ok)
            #expect(try await t.download(publicDoc, token: stranger.token).response.status == .ok)
            let draft = try await t.createProject(owner)
            let draftDoc = try #require(try await t.upload(owner, to: draft, Samples.pdf(500)).json["id"].uuid)
            #expect(try await t.download(draftDoc, token: stranger.token).response.status == .notFound)
            #expect(
                try await t.request(.GET, "/api/v1/documents/\(UUID())/content", token: owner.token).status == .notFound
            )
        }
    }

    @Test func aRetriedUploadIsStoredOnce() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let bytes = Samples.pdf(3_000)
            let first = try await t.upload(owner, to: project, bytes, headers: ["Idempotency-Key": "plans-upload-1"])
            let retry = try await t.upload(owner, to: project, bytes, headers: ["Idempotency-Key": "plans-upload-1"])
            #expect(first.status == .created)
            #expect(retry.status == .created)
            #expect(retry.json["id"].uuid == first.json["id"].uuid)
            let other = try await t.upload(
                owner, to: project, Samples.pdf(3_001), headers: ["Idempotency-Key": "plans-upload-1"])
            #expect(other.status == .conflict)
            #expect(other.errorCode == "IDEMPOTENCY_MISMATCH")
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token).json[
                    "pagination"]["total"].int == 1)
            let files = try FileManager.default.contentsOfDirectory(
                atPath: t.app.settings.dataDirectory + "/files/projects/\(project.uuidString.lowercased())")
            #expect(files.count == 1, "the retry's bytes must not stay behind: \(files)")
        }
    }
}

/// Documents can be deleted and replaced while nobody could have priced them, replaced by an addendum once bidding is
/// open, and a file whose row never committed is swept.
@Suite struct DocumentLifecycleTests {
    func stored(_ t: TestApp, _ document: UUID) async throws -> Bool {
        guard let row = try await DocumentModel.find(document, on: t.app.db) else { return false }
        return try await t.app.objectStorage.size(of: row.storageKey) != nil
    }

    @Test func draftDocumentsAreDeletedOrReplacedAndOpenOnesReplacedByAnAddendum() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let first = try #require(
                try await t.upload(owner, to: project, Samples.pdf(3_000), title: "Plans rev A").json["id"].uuid)
            let key = try #require(try await DocumentModel.find(first, on: t.app.db)?.storageKey)
            #expect(
                try await PendingUploadModel.query(on: t.app.db).count() == 0,
                "a committed upload leaves no pending row")

            // Draft: a replacement takes the old one's place, file and all.
            let second = try await t.upload(
                owner, to: project, Samples.pdf(3_100), title: "Plans rev B", replaces: first)
            #expect(second.status == .created && second.json["replacesId"].string == first.lowercasedString)
            #expect(try await DocumentModel.find(first, on: t.app.db) == nil)
            #expect(try await t.app.objectStorage.size(of: key) == nil, "the replaced draft file is deleted")
            let secondId = try #require(second.json["id"].uuid)

            let stranger = try await t.register(.owner)
            #expect(
                try await t.request(.DELETE, "/api/v1/documents/\(secondId)", token: stranger.token).status == .notFound
            )
            let extra = try #require(try await t.upload(owner, to: project, Samples.pdf(900)).json["id"].uuid)
            let extraKey = try #require(try await DocumentModel.find(extra, on: t.app.db)?.storageKey)
            #expect(try await t.request(.DELETE, "/api/v1/documents/\(extra)", token: owner.token).status == .noContent)
            #expect(try await t.app.objectStorage.size(of: extraKey) == nil)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token).json["data"]
                    .array.count == 1)

            // Open: never deleted; the replacement is the next addendum and the old one stays, superseded.
            #expect(try await t.request(.POST, "/api/v1/projects/\(project)/publish", token: owner.token).status == .ok)
            let refused = try await t.request(.DELETE, "/api/v1/documents/\(secondId)", token: owner.token)
            #expect(refused.status == .conflict && refused.errorCode == "INVALID_TRANSITION")
            let addendum = try await t.upload(
                owner, to: project, Samples.pdf(3_200), title: "Plans rev C", replaces: secondId)
            #expect(addendum.status == .created && addendum.json["addendumNumber"].int == 1)
            let listed = try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token).json[
                "data"
            ].array
            #expect(listed.count == 2 && listed.first { $0["id"].uuid == secondId }?["supersededAt"].string != nil)
            #expect(try await stored(t, secondId), "a superseded document stays readable")
            let again = try await t.upload(owner, to: project, Samples.pdf(800), replaces: secondId)
            #expect(
                again.status == .badRequest && again.json["error"]["details"]["replaces"].string != nil,
                "already superseded")
            let elsewhere = try await t.createProject(owner)
            let foreign = try await t.upload(owner, to: elsewhere, Samples.pdf(800), replaces: addendum.json["id"].uuid)
            #expect(foreign.status == .badRequest, "only a document of the same project")
            // Closed: new documents are still taken, but nothing is replaced; and only posting roles manage documents.
            let closed = try await t.openProject(owner)
            let closedDoc = try #require(try await t.upload(owner, to: closed, Samples.pdf(600)).json["id"].uuid)
            try await t.close(owner, closed)
            let lateReplace = try await t.upload(owner, to: closed, Samples.pdf(650), replaces: closedDoc)
            #expect(lateReplace.status == .conflict && lateReplace.errorCode == "INVALID_TRANSITION")
            let teammate = try await t.join(owner, role: .subcontractor)
            let draftOnly = try #require(try await t.upload(owner, to: elsewhere, Samples.pdf(610)).json["id"].uuid)
            #expect(
                try await t.request(.DELETE, "/api/v1/documents/\(draftOnly)", token: teammate.token).status
                    == .forbidden)
            #expect(
                try await PendingUploadModel.query(on: t.app.db).count() == 0, "refused uploads leave nothing pending")

            // The owner's draft page offers delete; the open page offers replacement instead.
            let page = try await WebBrowser.signedIn(t, as: owner)
            let draftDoc = try #require(try await t.upload(owner, to: elsewhere, Samples.pdf(700)).json["id"].uuid)
            let draftPage = try await page.get("/projects/\(elsewhere)")
            #expect(draftPage.text.contains("action=\"/documents/\(draftDoc.lowercasedString)/delete\""))
            #expect(try await page.post("/documents/\(draftDoc)/delete", []).status == .seeOther)
            #expect(try await DocumentModel.find(draftDoc, on: t.app.db) == nil)
            let openPage = try await page.get("/projects/\(project)")
            #expect(!openPage.text.contains("/delete\"") && openPage.text.contains("name=\"replaces\""))
        }
    }

    @Test func aFileWhoseRowNeverCommittedIsSwept() async throws {
        try await TestApp.run { t in
            // What a crash between storing the file and committing its row leaves: an object and its pending row.
            let key = "projects/\(UUID().lowercasedString)/\(UUID().lowercasedString)"
            try await t.app.objectStorage.put(
                key, body: ByteBuffer(bytes: Samples.pdf(500)), contentType: "application/pdf")
            try await PendingUploadModel(documentId: UUID(), storageKey: key, now: t.clock.now).create(on: t.app.db)
            #expect(
                try await StoredObjectCleanup.sweep(t.app, now: t.clock.now) == 0, "an upload may still be streaming")
            #expect(try await t.app.objectStorage.size(of: key) != nil)
            t.clock.advance(by: StoredObjectCleanup.uploadAbandonedAfter + 60)
            #expect(try await StoredObjectCleanup.sweep(t.app, now: t.clock.now) == 1)
            #expect(try await t.app.objectStorage.size(of: key) == nil)
            #expect(try await PendingUploadModel.query(on: t.app.db).count() == 0)
        }
    }
}

@Suite struct StalledUploadTests {
    /// 400 uploads that stopped mid-body once held 128 MB and 800 files open for good: an idle connection is closed,
    /// and the upload's half-written object and pending row go with it.
    @Test func aStalledUploadIsClosedAndLeavesNothing() async throws {
        try await TestApp.run(environment: ["HTTP_IDLE_TIMEOUT_SECONDS": "2", "REALTIME_PING_SECONDS": "1"]) { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let port = try await t.startServer()
            let started = Date()
            let answer = try await RawHTTP.exchange(
                port: port,
                """
                POST /api/v1/projects/\(project)/documents HTTP/1.1\r
                Host: 127.0.0.1\r
                Authorization: Bearer \(owner.token)\r
                Content-Type: multipart/form-data; boundary=x\r
                Content-Length: 5000000\r
                \r
                --x\r
                Content-Disposition: form-data; name="file"; filename="plans.pdf"\r
                Content-Type: application/pdf\r
                \r
                %PDF-1.7 and then nothing more
                """, timeoutSeconds: 15)
            #expect(Date().timeIntervalSince(started) < 10, "closed after two seconds of silence: \(answer.prefix(80))")
            for _ in 0..<100 where try await PendingUploadModel.query(on: t.app.db).count() > 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await PendingUploadModel.query(on: t.app.db).count() == 0)
            #expect(try await DocumentModel.query(on: t.app.db).count() == 0)
        }
    }
}

import BidForgeCore
import Crypto
import Vapor

/// What arrived in a document upload once the file is safely in storage.
struct ReceivedUpload {
    var filename: String
    var kind: DocumentKind
    var sizeBytes: Int64
    var sha256: String
    /// The other (small) form fields, such as `title`.
    var fields: [String: String]
}

/// Reads a `multipart/form-data` upload as it arrives: the `file` part goes straight to storage (its kind sniffed
/// from the first bytes, hashed and counted on the way), so a 1 GB plan set never sits in memory. Any refusal
/// aborts the storage write, leaving nothing behind.
final class UploadReceiver {
    /// The only fields besides `file` (`replaces`: the id of a document this one replaces); anything else is refused
    /// rather than held.
    static let knownFields: Set<String> = ["title", "replaces"]
    static let maxFieldBytes = 2 * 1024
    /// `file`, `title`, `replaces`, and room for a client that sends an empty part; more is not an upload form.
    static let maxParts = 5
    /// Multipart framing and the small fields on top of the file. The whole body, announced or chunked, may be at most
    /// the plan's document limit plus this.
    static let framingAllowance: Int64 = 64 * 1024

    let storage: any ObjectStorage
    let key: String
    let plan: Plan
    var limitBytes: Int64 { plan.maxDocumentBytes }

    private var writer: (any ObjectWriter)?
    /// File bytes waiting to be written: storage gets few large writes rather than one per network read.
    private var unwritten = ByteBuffer()
    static let writeSize = 256 * 1024
    private var sample: [UInt8] = []
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var kind: DocumentKind?
    private var declaredType: String?
    private var filename: String?
    private var fileComplete = false
    private var fields: [String: String] = [:]
    private var partCount = 0
    private var bodyBytes: Int64 = 0

    private enum Part { case none, file, field(String, [UInt8]), ignored }
    private var part = Part.none
    private var partHeaders: [String: String] = [:]

    init(storage: any ObjectStorage, key: String, plan: Plan) {
        self.storage = storage
        self.key = key
        self.plan = plan
    }

    func receive(_ req: Request) async throws -> ReceivedUpload {
        do {
            return try await read(req)
        } catch var refusal as APIError {
            await writer?.abort()
            // The client may still be sending: closing is cleaner than reading the rest of a refused body.
            refusal.headers.replaceOrAdd(name: .connection, value: "close")
            throw refusal
        } catch {
            await writer?.abort()
            throw error
        }
    }

    private func read(_ req: Request) async throws -> ReceivedUpload {
        guard let type = req.headers.contentType, type.type == "multipart", type.subType == "form-data",
            let boundary = type.parameters["boundary"], !boundary.isEmpty
        else {
            throw APIError(
                .unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "Send the document as multipart/form-data with a `file` field (and an optional `title`).")
        }
        if let length = req.headers.first(name: .contentLength).flatMap(Int64.init),
            length > limitBytes + Self.framingAllowance
        {
            throw tooLarge()
        }
        var scanner = MultipartScanner(boundary: boundary)
        for try await chunk in req.body {
            bodyBytes += Int64(chunk.readableBytes)
            guard bodyBytes <= limitBytes + Self.framingAllowance else { throw tooLarge() }
            let events: [MultipartScanner.Event]
            do { events = try scanner.feed(chunk) } catch {
                throw APIError.badRequest("The multipart body is malformed.")
            }
            for event in events { try await handle(event) }
        }
        guard let kind, let writer, fileComplete, scanner.isComplete else {
            if filename != nil || size > 0 {
                throw APIError.badRequest("The upload ended before the file was complete.")
            }
            throw APIError.validation("file", "is required: attach the document as the `file` field")
        }
        try await writer.finish()
        self.writer = nil
        return ReceivedUpload(
            filename: FileNames.sanitize(filename ?? "document"), kind: kind, sizeBytes: size,
            sha256: hasher.finalize().hex, fields: fields)
    }

    private func handle(_ event: MultipartScanner.Event) async throws {
        switch event {
        case .part(let headers):
            partHeaders = headers
            part = try startPart()
        case .body(let buffer):
            switch part {
            case .file: try await receiveFileBytes(buffer)
            case .field(let name, var bytes):
                bytes.append(contentsOf: buffer.readableBytesView)
                guard bytes.count <= Self.maxFieldBytes else { throw APIError.validation(name, "is too long") }
                part = .field(name, bytes)
            case .none, .ignored: break
            }
        case .partEnd:
            switch part {
            case .file: try await completeFile()
            case .field(let name, let bytes): fields[name] = String(decoding: bytes, as: UTF8.self)
            case .none, .ignored: break
            }
            part = .none
            partHeaders = [:]
        }
    }

    private func startPart() throws -> Part {
        partCount += 1
        guard partCount <= Self.maxParts else {
            throw APIError.validation(
                "body",
                "an upload has one `file` part, an optional `title` and `replaces`: at most \(Self.maxParts) parts")
        }
        guard let disposition = partHeaders["content-disposition"].flatMap(FormDataDisposition.parse) else {
            return .ignored
        }
        guard disposition.name == "file" else {
            guard Self.knownFields.contains(disposition.name) else {
                throw APIError.validation(
                    disposition.name, "is not a field of an upload: send `file`, and optionally `title` and `replaces`")
            }
            guard fields[disposition.name] == nil else { throw APIError.validation(disposition.name, "send it once") }
            return .field(disposition.name, [])
        }
        guard filename == nil && !fileComplete else { throw APIError.validation("file", "send one file per upload") }
        filename = disposition.filename ?? "document"
        declaredType = partHeaders["content-type"]
        return .file
    }

    private func receiveFileBytes(_ buffer: ByteBuffer) async throws {
        size += Int64(buffer.readableBytes)
        guard size <= limitBytes else { throw tooLarge() }
        buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
        var buffer = buffer
        if writer == nil {
            let wanted = min(buffer.readableBytes, ContentSniffer.sampleSize - sample.count)
            sample += buffer.readBytes(length: wanted) ?? []
            guard sample.count >= ContentSniffer.sampleSize else { return }
            try await startWriting()
        }
        unwritten.writeBuffer(&buffer)
        if unwritten.readableBytes >= Self.writeSize {
            try await writer?.write(unwritten)
            unwritten = ByteBuffer()
        }
    }

    private func completeFile() async throws {
        guard size > 0 else { throw APIError.validation("file", "is empty") }
        if writer == nil { try await startWriting() }
        if unwritten.readableBytes > 0 {
            try await writer?.write(unwritten)
            unwritten = ByteBuffer()
        }
        fileComplete = true
    }

    /// Decides the kind from the first bytes, then opens the storage write with them.
    private func startWriting() async throws {
        guard let sniffed = ContentSniffer.sniff(sample) else {
            throw APIError(
                .unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "This file is not a PDF, PNG, JPEG, TIFF, DWG, DXF, XLSX, DOCX, ZIP or plain-text document.",
                details: ["accepted": .array(DocumentKind.allCases.map { .string($0.contentType) })])
        }
        guard sniffed.matches(declared: declaredType) else {
            throw APIError(
                .unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "The file was sent as \(declaredType ?? "") but its contents are \(sniffed.contentType).",
                details: ["declared": .string(declaredType ?? ""), "detected": .string(sniffed.contentType)])
        }
        kind = sniffed
        let writer = try await storage.beginWrite(key, contentType: sniffed.contentType)
        self.writer = writer
        try await writer.write(ByteBuffer(bytes: sample))
        sample = []
    }

    private func tooLarge() -> APIError {
        APIError(
            .payloadTooLarge, "PAYLOAD_TOO_LARGE",
            "Documents on the \(plan.rawValue) plan may be at most \(limitBytes / 1_000_000) MB.",
            details: ["plan": .string(plan.rawValue), "limitBytes": .int(limitBytes)])
    }
}

import Crypto
import Fluent
import Vapor

/// `Idempotency-Key` for creating POSTs: the first request with a key runs and its response is stored; a retry with
/// the same key and body gets that response again (same status and body), even while the first is still running;
/// the same key with another body is 409 `IDEMPOTENCY_MISMATCH`. Keys are scoped to the calling user.
enum Idempotency {
    static let header = "Idempotency-Key"
    static let maxKeyLength = 255
    /// A reservation older than this whose request never finished (a crash) may be taken over.
    static let abandonedAfter: TimeInterval = 120

    /// Top-level fields of a response that hold one-time secrets (an invitation token): kept out of the stored replay,
    /// which answers them as null. The secret lives only in the first response.
    static func run(
        _ request: Request, _ caller: Caller, fingerprint: String? = nil, secretFields: Set<String>,
        _ body: () async throws -> Response
    ) async throws -> Response {
        request.storage[SecretFieldsKey.self] = secretFields
        return try await run(request, caller, fingerprint: fingerprint, body)
    }

    private struct SecretFieldsKey: StorageKey { typealias Value = Set<String> }

    /// `fingerprint` stands in for the body when the body was streamed (an upload) and so cannot be hashed here.
    static func run(
        _ request: Request, _ caller: Caller, fingerprint: String? = nil,
        _ body: () async throws -> Response
    ) async throws -> Response {
        guard let key = request.headers.first(name: header) else { return try await body() }
        guard !key.isEmpty, key.count <= maxKeyLength else {
            throw APIError.validation(header, "must be 1 to \(maxKeyLength) characters")
        }
        let hash =
            fingerprint.map {
                SHA256.hash(data: Data("\(request.method.rawValue) \(request.url.path.lowercased())\n\($0)".utf8)).hex
            }
            ?? requestHash(request)
        let db = request.db

        for _ in 0..<400 {
            let row = IdempotencyKeyModel()
            row.id = UUID()
            row.userId = caller.userId
            row.companyId = caller.companyId
            row.key = key
            row.requestHash = hash
            row.createdAt = request.now
            do {
                try await request.write { db in try await row.create(on: db) }
            } catch  where DatabaseErrors.isUniqueViolation(error) {
                guard
                    let existing = try await IdempotencyKeyModel.query(on: db)
                        .filter(\.$userId == caller.userId).filter(\.$key == key).first()
                else { continue }  // the holder gave up and deleted its reservation: try to take it
                guard existing.requestHash == hash else {
                    throw APIError.conflict(
                        "IDEMPOTENCY_MISMATCH",
                        "This Idempotency-Key was already used with a different request.")
                }
                if let status = existing.statusCode, let stored = existing.responseBody {
                    return replay(status: status, body: stored)
                }
                if existing.createdAt < request.now.addingTimeInterval(-abandonedAfter) {
                    try await request.write { db in try await existing.delete(on: db) }
                    continue
                }
                try await Task.sleep(for: .milliseconds(25))
                continue
            }
            return try await complete(row, request: request, body: body)
        }
        throw APIError.conflict(
            "IDEMPOTENCY_IN_PROGRESS", "A request with this Idempotency-Key is still being processed; retry shortly.")
    }

    private static func complete(
        _ row: IdempotencyKeyModel, request: Request,
        body: () async throws -> Response
    ) async throws -> Response {
        let response: Response
        do {
            response = try await body()
        } catch {
            let rendered = APIMiddleware.render(error, for: request)
            guard rendered.status.code < 500 else {
                try? await request.write { db in try await row.delete(on: db) }
                throw error
            }
            response = rendered
        }
        guard response.status.code < 500 else {
            try? await request.write { db in try await row.delete(on: db) }
            return response
        }
        row.statusCode = Int(response.status.code)
        row.responseBody = try storable(
            response.body.data ?? Data(), hiding: request.storage[SecretFieldsKey.self] ?? [])
        try await request.write { db in try await row.update(on: db) }
        return response
    }

    /// The body as it may be kept: the named top-level fields of a JSON object answered as null.
    static func storable(_ body: Data, hiding secrets: Set<String>) throws -> Data {
        guard !secrets.isEmpty, case .object(var fields) = try JSONDecoder().decode(JSONValue.self, from: body) else {
            return body
        }
        for name in secrets where fields[name] != nil { fields[name] = .null }
        return try JSONEncoder().encode(JSONValue.object(fields))
    }

    private static func replay(status: Int, body: Data) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: "Idempotent-Replayed", value: "true")
        return Response(status: .init(statusCode: status), headers: headers, body: .init(data: body))
    }

    /// Hash of method, path and body. A JSON body is hashed in canonical form (sorted keys, no whitespace), so a
    /// client that re-serialises the same retry with its keys in another order is still recognised.
    static func requestHash(_ request: Request) -> String {
        var hasher = SHA256()
        // IDs in paths are accepted in either case, so a retry may spell them otherwise.
        hasher.update(data: Data("\(request.method.rawValue) \(request.url.path.lowercased())\n".utf8))
        if let buffer = request.body.data {
            let raw = Data(buffer.readableBytesView)
            if let value = try? JSONDecoder().decode(JSONValue.self, from: raw),
                let canonical = try? canonicalEncoder.encode(value)
            {
                hasher.update(data: canonical)
            } else {
                hasher.update(data: raw)
            }
        }
        return hasher.finalize().hex
    }

    private static let canonicalEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

extension Request {
    /// Runs a creating handler under the `Idempotency-Key` rules.
    func idempotent(_ caller: Caller, fingerprint: String? = nil, _ body: () async throws -> Response) async throws
        -> Response
    {
        try await Idempotency.run(self, caller, fingerprint: fingerprint, body)
    }
}

import Foundation
import OpenAPIKit
import Vapor

/// The OpenAPI 3.1 description of every route, served at `/openapi.json`, assembled from the description each feature
/// keeps next to its routes (`DocumentedAPI`). `OpenAPITests` validates it with OpenAPIKit and fails when a
/// registered route is missing here (or described here but not registered). Where the contract is silent, the
/// choices are written down in the descriptions.
enum OpenAPIDocument {
    static let apis: [any DocumentedAPI.Type] = [
        OperationsAPI.self, AccountsAPI.self, CompaniesAPI.self, TradesAPI.self, ProjectsAPI.self, InvitationsAPI.self,
        QuestionsAPI.self, BidsAPI.self, DocumentsAPI.self, ConversationsAPI.self, RealtimeAPI.self,
        NotificationsAPI.self, AnalyticsAPI.self
    ]

    static var operations: [APIOperation] { apis.flatMap { $0.operations } }

    /// Shapes every feature uses.
    static var sharedSchemas: [String: JSONSchema] { S.shared }

    static let errorDescriptions: [Int: String] = [
        400:
            "VALIDATION_FAILED: malformed JSON, wrong types, unknown enum values, or rule violations (details: field → problem)",
        401: "UNAUTHENTICATED: missing, expired or forged token",
        402: "PLAN_LIMIT_REACHED (details: plan, limit, used)",
        403: "FORBIDDEN: a visible object, but the caller's role or company may not do this",
        404: "NOT_FOUND: absent, or belonging to another company and not visible to the caller",
        409:
            "A state rule: INVALID_TRANSITION, BIDDING_CLOSED, DUE_TIME_LOCKED, BID_EXISTS, BIDS_SEALED, EMAIL_TAKEN, IDEMPOTENCY_MISMATCH, IDEMPOTENCY_IN_PROGRESS",
        429:
            "RATE_LIMITED: wait the Retry-After seconds (per client address on every route; per user on writes; per address and email on login)",
        413: "PAYLOAD_TOO_LARGE: JSON bodies are capped at 1 MiB; documents by plan (details.limitBytes)",
        415:
            "UNSUPPORTED_MEDIA_TYPE: send application/json (documents: multipart/form-data, and a file of an accepted kind)",
        416: "Range Not Satisfiable: Content-Range: bytes */size",
        503: "UNAVAILABLE: a dependency is down or the database pool is exhausted; retry"
    ]

    static let overview = """
        BidForge HTTP API. JSON with camelCase keys; ids are UUIDs; times ISO-8601 UTC; money in integer cents.
        Choices where the contract is silent: list endpoints refuse page < 1 and non-numeric page/limit with 400;
        every error has the shape {"error": {"code", "message", "details?"}} and every response carries X-Request-Id;
        Idempotency-Key (1–255 characters) is scoped to the calling user, the body is compared as canonical JSON, refused
        requests (4xx) are replayed too, and a replay carries `Idempotent-Replayed: true`; text fields refuse NUL characters;
        line-item quantities have at most four decimals and row totals round half away from zero; sealed bids withhold
        amountCents, lineItems and notes from the owner until bidDueAt; a presented but invalid token is 401 even on public endpoints.
        Operations: every route except /api/live, /api/health, /api/ready and /metrics is rate limited per client address
        (RATE_LIMIT_PER_ADDRESS_PER_MINUTE), writes also per user (RATE_LIMIT_WRITES_PER_MINUTE), shared across instances
        through Redis; the client address is the peer, or X-Forwarded-For only from TRUSTED_PROXIES. Responses of 1 KB or
        more are gzipped when the client accepts it (unless COMPRESSION=false because a proxy compresses). A health check
        reported `degraded` (Redis unreachable: limits fall back to each instance) does not make /api/health unhealthy;
        /api/ready answers 503 {"status": "draining"} from SIGTERM until the process exits.
        Read replicas (DATABASE_REPLICA_URLS): a response to a request that wrote carries X-Consistency-Token (a PostgreSQL
        log position such as 16/B374D848); the signed-in caller's token is also kept server-side for
        CONSISTENCY_WINDOW_SECONDS, so their next reads see the write on any instance. A client (or a proxy) may send the
        token back in X-Consistency-Token on later requests, signed in or not, to read at least that fresh; a malformed
        token is ignored. Listings, search, company profiles and analytics may show other callers' writes up to
        REPLICA_MAX_LAG_MS late; every other read, and every write, sees every committed change.
        """

    /// Answers every route may give besides its own: a server fault and an unavailable dependency; a write's body
    /// can be too large or of the wrong type; a rate-limited route can refuse; any query can be malformed (`?page=null`)
    /// and a presented but invalid token is 401 wherever one is read.
    static func commonErrors(of op: APIOperation) -> [Int] {
        var common = op.method == .GET ? [500, 503] : [413, 415, 500, 503]
        if !RateLimitMiddleware.exemptPaths.contains(op.path) { common.append(429) }
        if !op.query.isEmpty { common.append(400) }
        if op.auth != .none { common.append(401) }
        // IDEMPOTENCY_MISMATCH (the key was used with another body) and IDEMPOTENCY_IN_PROGRESS.
        if op.idempotent { common.append(409) }
        return common
    }

    static func document() throws -> OpenAPI.Document {
        var schemas = sharedSchemas
        for api in apis {
            schemas.merge(api.schemas) { _, _ in preconditionFailure("two features describe the same schema") }
        }
        var paths = OrderedDictionary<OpenAPI.Path, OpenAPI.PathItem>()
        for op in operations.sorted(by: { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }) {
            let path = OpenAPI.Path(rawValue: op.path)
            var item = paths[path] ?? OpenAPI.PathItem()
            guard let method = OpenAPI.BuiltinHttpMethod(rawValue: op.method.rawValue) else {
                throw Abort(.internalServerError, reason: "\(op.method) cannot be described")
            }
            guard item[.builtin(method)] == nil else { throw Abort(.internalServerError, reason: "\(op.path) twice") }
            item.set(operation: operation(op), for: .builtin(method))
            paths[path] = item
        }
        var componentSchemas = OpenAPI.ComponentDictionary<JSONSchema>()
        for (name, schema) in schemas.sorted(by: { $0.key < $1.key }) {
            componentSchemas[OpenAPI.ComponentKey(stringLiteral: name)] = schema
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_0,
            info: .init(title: "BidForge API", description: overview, version: "1.0.0"),
            servers: [],
            paths: paths.mapValues { .init($0) },
            components: .init(
                schemas: componentSchemas,
                securitySchemes: ["bearer": .init(.http(scheme: "bearer", bearerFormat: "JWT"))]))
    }

    static func operation(_ op: APIOperation) -> OpenAPI.Operation {
        var parameters: OpenAPI.Parameter.Array = op.pathParameters.map {
            .init(.path(name: $0, schema: $0.hasSuffix("ID") ? S.uuid : S.string))
        }
        for (name, schema, description) in op.query {
            parameters.append(.init(.query(name: name, schema: schema, description: description)))
        }
        if op.idempotent {
            parameters.append(
                .init(
                    .header(
                        name: "Idempotency-Key", schema: S.text(1, 255),
                        description: "A retry with the same key and body returns the first response.")))
        }
        let body = op.body.map {
            OpenAPI.Request(content: [op.bodyContentType: .b(OpenAPI.Content(schema: S.ref($0)))], required: true)
        }
        var responses = OpenAPI.Response.Map()
        let (status, schema) = op.success
        if let schema {
            let shape = schema.hasPrefix("page:") ? S.page(String(schema.dropFirst(5))) : S.ref(schema)
            var content: OpenAPI.Content.Map = [.json: .b(OpenAPI.Content(schema: shape))]
            if op.csv { content[.csv] = .b(OpenAPI.Content(schema: S.string)) }
            responses[.status(code: status)] = .init(OpenAPI.Response(description: "Success", content: content))
        } else {
            let description =
                status == 204
                ? "Done, no content" : status == 101 ? "Switching Protocols: the socket is open" : "Success"
            responses[.status(code: status)] = .init(OpenAPI.Response(description: description))
        }
        for (code, description) in op.otherResponses.sorted(by: { $0.key < $1.key }) {
            responses[.status(code: code)] = .init(OpenAPI.Response(description: description))
        }
        if op.conditional {
            responses[.status(code: 304)] = .init(
                OpenAPI.Response(description: "Not Modified: If-None-Match matched the ETag"))
        }
        for code in Set(op.errors + commonErrors(of: op)).sorted() where responses[.status(code: code)] == nil {
            responses[.status(code: code)] = .init(
                OpenAPI.Response(
                    description: errorDescriptions[code] ?? "INTERNAL_ERROR: nothing internal is disclosed",
                    content: [.json: .b(OpenAPI.Content(schema: S.ref("Error")))]))
        }
        let bearer: OpenAPI.SecurityRequirement = [.component(named: "bearer"): []]
        let security: [OpenAPI.SecurityRequirement] =
            switch op.auth {
            case .none: []
            case .optional: [[:], bearer]
            case .required: [bearer]
            }
        return OpenAPI.Operation(
            summary: op.summary, description: op.notes, operationId: op.operationId, parameters: parameters,
            requestBody: body, responses: responses, security: security)
    }

    static let encoded: Result<Data, any Error> = Result {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(try document())
    }

    /// The document as served (built once).
    static func json() throws -> Data { try encoded.get() }
}

extension S {
    fileprivate static let shared: [String: JSONSchema] = [
        "Error": object(
            [
                "error": object(
                    [
                        "code": string, "message": string,
                        "details": anyObject.described(
                            "field → problem for VALIDATION_FAILED; plan, limit, used for PLAN_LIMIT_REACHED")
                    ], required: ["code", "message"])
            ], required: ["error"]),
        "Pagination": object(
            [
                "page": int, "limit": int, "total": int,
                "totalIsEstimate": bool.described(
                    "project listings: true when more than 1,000 projects match and `total` is the database planner's "
                        + "estimate (an approximation, not a count); false when `total` is exact. Other lists count exactly and omit it."
                ),
                "nextCursor": JSONSchema.string(
                    description:
                        "project listings: pass as ?cursor= for the next page (keyset, no offset scan); absent on the last page"
                )
            ],
            required: ["page", "limit", "total"])
    ]
}

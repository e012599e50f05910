import Foundation

/// The OpenAPI 3.1 description of every route, served at `/openapi.json`. A test fails when a registered route is
/// missing here (or described here but not registered). Where the contract is silent, the choices are written down
/// in the descriptions below.
enum OpenAPIDocument {
    enum Auth { case none, optional, required }

    struct Operation {
        let method: String
        let path: String
        let summary: String
        var auth: Auth = .required
        var query: [(String, JSONValue, String)] = []
        var body: String? = nil
        var bodyContentType = "application/json"
        var success: (Int, String?) = (200, nil)
        var errors: [Int] = []
        var idempotent = false
        var notes: String? = nil
        /// Other non-error answers (a download's 206, 302, 304), by status.
        var otherResponses: [Int: String] = [:]
    }

    static let listQuery: [(String, JSONValue, String)] = [
        ("page", ["type": "integer", "minimum": 1, "default": 1], "1-based page; 0, negative or non-numeric is 400"),
        ("limit", ["type": "integer", "minimum": 1, "default": 20], "page size; above 100 is clamped to 100")
    ]

    static let operations: [Operation] = [
        .init(
            method: "get", path: "/api/live",
            summary: "200 while the process answers (liveness: touches no dependency)", auth: .none,
            success: (200, "Live")),
        .init(
            method: "get", path: "/api/health", summary: "Health of every configured component", auth: .optional,
            success: (200, "Health"), errors: [401, 503],
            notes:
                "Every check's status for anyone; its details (latencies, memory, free disk, library versions) only for a platform ADMIN's token. The storage probe (write, read, delete an object) runs at most every 30 s; its last answer is shared."
        ),
        .init(
            method: "get", path: "/api/ready", summary: "200 once migrations ran and the database answers", auth: .none,
            success: (200, "Ready"), errors: [503]),
        .init(method: "get", path: "/openapi.json", summary: "This document", auth: .none, success: (200, nil)),
        .init(
            method: "get", path: "/static/{file}",
            summary: "A static asset by fingerprinted name (name.<hash>.ext), cacheable forever", auth: .none,
            success: (200, nil), errors: [404],
            notes:
                "Cache-Control: public, max-age=31536000, immutable; ETag; ranges as for documents. Unfingerprinted names are 404: page URLs come from the server's asset map, with ASSET_PREFIX (a CDN host) in front when set."
        ),
        .init(
            method: "get", path: "/metrics",
            summary:
                "Prometheus text format: http_request_duration_seconds{method,route,status_code}, http_requests_total, active_users_total, db_pool_connections{state}, process memory and open files",
            auth: .none, success: (200, nil)),

        .init(
            method: "post", path: "/api/v1/auth/register",
            summary: "Create an account and a company (or join one with inviteToken)", auth: .none,
            body: "RegisterInput", success: (201, "Auth"), errors: [400, 409, 429],
            notes:
                "409 EMAIL_TAKEN for a used email (compared case-insensitively). Idempotency-Key is not honoured on public endpoints."
        ),
        .init(
            method: "post", path: "/api/v1/auth/login", summary: "Sign in", auth: .none, body: "LoginInput",
            success: (200, "Auth"), errors: [400, 401, 429],
            notes:
                "Limited per client address and per email (RATE_LIMIT_LOGIN_PER_MINUTE, default 10): 429 RATE_LIMITED with Retry-After."
        ),
        .init(
            method: "post", path: "/api/v1/auth/refresh",
            summary: "Exchange a refresh token for a new pair (rotation; reuse revokes the family)", auth: .none,
            body: "RefreshInput", success: (200, "TokenPair"), errors: [400, 401]),
        .init(
            method: "post", path: "/api/v1/auth/logout", summary: "Revoke the session that owns this refresh token",
            body: "RefreshInput", success: (204, nil), errors: [400, 401]),
        .init(
            method: "get", path: "/api/v1/me", summary: "The caller and their company", success: (200, "Me"),
            errors: [401]),

        .init(
            method: "get", path: "/api/v1/companies/{companyID}", summary: "A company's public profile",
            success: (200, "Company"), errors: [401, 404]),
        .init(
            method: "patch", path: "/api/v1/companies/{companyID}",
            summary: "Edit name, trades, service area (company admin)",
            body: "CompanyPatch", success: (200, "Company"), errors: [400, 401, 403, 404]),
        .init(
            method: "post", path: "/api/v1/companies/{companyID}/invitations",
            summary: "Invite a person to join the company (company admin)",
            body: "MemberInvitationInput", success: (201, "MemberInvitation"), errors: [400, 401, 403, 404, 409],
            idempotent: true),
        .init(
            method: "put", path: "/api/v1/companies/{companyID}/plan", summary: "Set a company's plan (platform ADMIN)",
            body: "PlanInput", success: (200, "Company"), errors: [400, 401, 403, 404]),
        .init(
            method: "get", path: "/api/v1/trades", summary: "CSI MasterFormat divisions", auth: .none, query: listQuery,
            success: (200, "page:Trade"),
            notes: "limit defaults to 100 here so one call returns every trade."),

        .init(
            method: "get", path: "/api/v1/projects", summary: "Search projects", auth: .optional,
            query: listQuery + [
                (
                    "status", S.enumeration(["DRAFT", "OPEN", "CLOSED", "AWARDED", "CANCELLED"]),
                    "default OPEN (all statuses with mine=true)"
                ),
                ("trade", S.string, "trade code"), ("state", S.state, "US state"),
                ("city", S.string, "case-insensitive"),
                ("q", S.string, "full text over title and description (every word must match)"),
                (
                    "minBudgetCents", S.int,
                    "projects whose budget reaches at least this (projects without a budget are excluded)"
                ),
                ("maxBudgetCents", S.int, "projects whose budget starts at most at this"),
                ("dueAfter", S.time, "bidDueAt ≥"), ("dueBefore", S.time, "bidDueAt ≤"),
                ("companyId", S.uuid, "posting company"),
                ("mine", S.bool, "the caller company's projects, drafts included (401 without a token)"),
                ("sort", S.enumeration(["createdAt", "-createdAt", "bidDueAt"]), "default -createdAt"),
                (
                    "cursor", S.string,
                    "keyset pagination: the nextCursor of the previous page (not with page); deep pages without an offset scan"
                )
            ], success: (200, "page:Project"), errors: [400, 401],
            notes:
                "Anonymous callers see PUBLIC projects that are not drafts; signed-in callers also see invite-only projects their company was invited to, and their own."
        ),
        .init(
            method: "post", path: "/api/v1/projects", summary: "Post a project (OWNER or CONTRACTOR); starts as DRAFT",
            body: "ProjectInput", success: (201, "Project"), errors: [400, 401, 403, 409], idempotent: true),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}", summary: "One project", auth: .optional,
            success: (200, "Project"), errors: [401, 404],
            notes:
                "Public for PUBLIC non-draft projects. An invited company's first view marks its invitation VIEWED. ETag + If-None-Match → 304 (Cache-Control: private, no-cache; Vary: Authorization)."
        ),
        .init(
            method: "patch", path: "/api/v1/projects/{projectID}",
            summary: "Edit a DRAFT or OPEN project (owner company)",
            body: "ProjectPatch", success: (200, "Project"), errors: [400, 401, 403, 404, 409],
            notes:
                "bidDueAt on an OPEN project: once it has passed it cannot move and bidding never reopens (409 DUE_TIME_LOCKED); once bids exist it may only move later (409 DUE_TIME_LOCKED); a new value must be in the future (400). Every change of bidDueAt notifies the invited and bidding companies (BID_DUE_CHANGED, data: projectId, bidDueAt, previousBidDueAt). Sealing and visibility change only while DRAFT."
        ),
        .init(
            method: "post", path: "/api/v1/projects/{projectID}/publish", summary: "DRAFT → OPEN",
            success: (200, "Project"), errors: [400, 401, 402, 403, 404, 409],
            notes:
                "bidDueAt must be in the future (400). FREE allows 3 OPEN projects at once, PRO 50 (402 PLAN_LIMIT_REACHED). Pending invitees are notified."
        ),
        .init(
            method: "post", path: "/api/v1/projects/{projectID}/close", summary: "OPEN → CLOSED",
            success: (200, "Project"), errors: [401, 403, 404, 409]),
        .init(
            method: "post", path: "/api/v1/projects/{projectID}/cancel", summary: "DRAFT|OPEN|CLOSED → CANCELLED",
            success: (200, "Project"), errors: [401, 403, 404, 409]),
        .init(
            method: "post", path: "/api/v1/projects/{projectID}/award", summary: "Award one bid (CLOSED → AWARDED)",
            body: "AwardInput", success: (200, "Project"), errors: [400, 401, 403, 404, 409],
            notes:
                "Follows the status machine: the project must be CLOSED (409 INVALID_TRANSITION otherwise). The bid must be SUBMITTED. Every other live bid is REJECTED; bidders get BID_ACCEPTED / BID_REJECTED, invited companies that did not bid get PROJECT_AWARDED, in the same transaction."
        ),

        .init(
            method: "post", path: "/api/v1/projects/{projectID}/invitations",
            summary: "Invite companies to bid (owner company)",
            body: "InviteInput", success: (201, "page:Invitation"), errors: [400, 401, 403, 404, 409], idempotent: true,
            notes:
                "Answers in the list shape with every targeted company's invitation (existing ones are returned, not duplicated). Match finds companies by trade (any) and service area (any of the states) that have a CONTRACTOR or SUBCONTRACTOR. Invitees are notified when the project is OPEN, or when it is published."
        ),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/invitations",
            summary: "Invitations of a project (owner company)", query: listQuery,
            success: (200, "page:Invitation"), errors: [400, 401, 403, 404]),
        .init(
            method: "get", path: "/api/v1/invitations", summary: "The caller company's invitations inbox",
            query: listQuery,
            success: (200, "page:Invitation"), errors: [400, 401]),
        .init(
            method: "post", path: "/api/v1/invitations/{invitationID}/respond", summary: "Answer WILL_BID or DECLINED",
            body: "RespondInput", success: (200, "Invitation"), errors: [400, 401, 404, 409],
            notes:
                "Only while the project is OPEN (409 BIDDING_CLOSED); not after a bid was submitted (409 INVALID_TRANSITION). Withdrawing a bid sets the invitation to DECLINED."
        ),

        .init(
            method: "post", path: "/api/v1/projects/{projectID}/questions",
            summary: "Ask a question (bidder roles, not the owner company)",
            body: "QuestionInput", success: (201, "Question"), errors: [400, 401, 403, 404, 409], idempotent: true),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/questions",
            summary: "Questions: answered ones to every viewer, unanswered to asker and owner",
            auth: .optional, query: listQuery, success: (200, "page:Question"), errors: [400, 401, 404]),
        .init(
            method: "post", path: "/api/v1/questions/{questionID}/answer",
            summary: "Answer a question once (owner company)",
            body: "QuestionInput", success: (200, "Question"), errors: [400, 401, 403, 404, 409]),

        .init(
            method: "post", path: "/api/v1/projects/{projectID}/bids", summary: "Submit a bid",
            body: "BidInput", success: (201, "Bid"), errors: [400, 401, 402, 403, 404, 409], idempotent: true,
            notes:
                "CONTRACTOR or SUBCONTRACTOR of another company. 409 BIDDING_CLOSED unless OPEN and before bidDueAt; 409 BID_EXISTS for a second live bid; FREE plan: 10 bids per calendar month (UTC), withdrawn ones included (402)."
        ),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/bids",
            summary: "Bids: all for the owner company, its own for a bidder",
            query: listQuery, success: (200, "page:Bid"), errors: [400, 401, 404], notes: "ETag + If-None-Match → 304."),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/bids/leveling",
            summary: "Level the live bids (owner company)",
            query: [("format", S.enumeration(["json", "csv"]), "csv: a header row and one row per bid")],
            success: (200, "Leveling"), errors: [400, 401, 403, 404, 409],
            notes: "For a sealed project before bidDueAt: 409 BIDS_SEALED."),
        .init(
            method: "get", path: "/api/v1/bids", summary: "The caller company's bids across projects",
            query: listQuery + [
                ("mine", S.enumeration(["true"]), "only true is supported"),
                ("status", S.enumeration(["SUBMITTED", "WITHDRAWN", "ACCEPTED", "REJECTED"]), "filter")
            ],
            success: (200, "page:Bid"), errors: [400, 401]),
        .init(
            method: "patch", path: "/api/v1/bids/{bidID}", summary: "Revise a bid (revision + 1, history kept)",
            body: "BidPatch", success: (200, "Bid"), errors: [400, 401, 403, 404, 409]),
        .init(
            method: "post", path: "/api/v1/bids/{bidID}/withdraw", summary: "Withdraw a bid while bidding is open",
            success: (200, "Bid"), errors: [401, 403, 404, 409]),
        .init(
            method: "get", path: "/api/v1/bids/{bidID}/revisions", summary: "Every version of a bid, revision 1 first",
            query: listQuery, success: (200, "page:BidRevision"), errors: [400, 401, 404]),

        .init(
            method: "post", path: "/api/v1/projects/{projectID}/documents",
            summary: "Upload a document (owner company); on an OPEN project it is the next addendum",
            body: "DocumentUpload", bodyContentType: "multipart/form-data", success: (201, "Document"),
            errors: [400, 401, 403, 404, 409, 413, 415], idempotent: true,
            notes:
                "Streamed to storage as it arrives (never held whole), hashed (sha256) on the way. Fields: `file`, an optional `title` (at most 2 KiB) and an optional `replaces` (the id of a current document of the project: on DRAFT the old one is deleted, on OPEN this upload is the next addendum and the old one is marked supersededAt; CLOSED 409) — any other field, a repeated one or more than 5 parts is 400 at once; AWARDED or CANCELLED projects take no documents (409); the whole body, announced or chunked, may be the plan limit plus 64 KiB (413 beyond). OPEN project: addendumNumber = addendumCount + 1 and every invited or bidding company gets ADDENDUM_ISSUED. DRAFT, CLOSED or AWARDED: stored without an addendum. CANCELLED: 409 INVALID_TRANSITION. A Content-Length over the plan limit is refused at once with `Connection: close`. Idempotency-Key compares the file's hash, name and title."
        ),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/documents",
            summary: "The project's documents, oldest first (same visibility as the project)",
            auth: .optional, query: listQuery, success: (200, "page:Document"), errors: [400, 401, 404],
            notes: "ETag + If-None-Match → 304."),
        .init(
            method: "get", path: "/api/v1/projects/{projectID}/documents/activity",
            summary: "Who downloaded which document, per company (owner company)",
            success: (200, "DocumentActivity"), errors: [401, 403, 404]),
        .init(
            method: "delete", path: "/api/v1/documents/{documentID}",
            summary: "Delete a document of a DRAFT project (owner company)",
            success: (204, nil), errors: [401, 403, 404, 409],
            notes:
                "Only while the project is DRAFT: on an OPEN project upload a replacement (`replaces`), which is an addendum; after that the documents are the record (409 INVALID_TRANSITION). The stored file and its images are deleted."
        ),
        .init(
            method: "get", path: "/api/v1/documents/{documentID}/content",
            summary: "The document's bytes (same visibility as its project)",
            auth: .optional,
            query: [
                (
                    "variant", S.enumeration(["original", "display", "thumbnail"]),
                    "display fits 1200×800, thumbnail 400×400 (JPEG, quality 80); the original is served, with X-Document-Variant: original, until they are made or when imaging is off"
                )
            ],
            success: (200, nil), errors: [400, 401, 404],
            notes:
                "Local storage: streamed with Content-Length, ETag (the sha256), Accept-Ranges; Range → 206 (one range; If-Range honoured), past the end → 416; If-None-Match → 304; Content-Disposition names the file (inline for PDF, images and text). S3-compatible storage: 302 to a presigned URL valid for 5 minutes (Cache-Control: no-store). Each fetch is recorded for the owner's activity view.",
            otherResponses: [
                206: "Partial Content: the requested byte range (Content-Range)",
                302: "Found: S3-compatible storage; Location is a presigned URL valid for 5 minutes",
                304: "Not Modified: If-None-Match matched the ETag",
                416: "Range Not Satisfiable: Content-Range: bytes */size"
            ]),

        .init(
            method: "post", path: "/api/v1/conversations",
            summary: "Open (or get) the private thread between a project's owner and one company",
            body: "OpenConversationInput", success: (201, "Conversation"), errors: [400, 401, 403, 404],
            notes:
                "201 for a new thread, 200 with the existing one for the same (project, company) pair. A bidder omits companyId; the owner names a company invited to, or bidding on, the project (403 otherwise). Anyone who may see the project and bid may open a thread with its owner."
        ),
        .init(
            method: "get", path: "/api/v1/conversations",
            summary: "The caller company's threads, most recent activity first, with the user's unreadCount",
            query: listQuery, success: (200, "page:Conversation"), errors: [400, 401]),
        .init(
            method: "get", path: "/api/v1/conversations/{conversationID}/messages", summary: "Messages, newest first",
            query: [
                ("before", S.uuid, "a message id: return older messages (the previous page's nextBefore)"),
                ("limit", ["type": "integer", "minimum": 1, "default": 50], "page size, at most 100")
            ],
            success: (200, "MessagePage"), errors: [400, 401, 404]),
        .init(
            method: "post", path: "/api/v1/conversations/{conversationID}/messages",
            summary: "Post a message (1–10,000 characters, stored exactly)",
            body: "MessageInput", success: (201, "Message"), errors: [400, 401, 404], idempotent: true,
            notes:
                "The other company's users get MESSAGE_RECEIVED. The sender's own messages never count as unread for them."
        ),
        .init(
            method: "post", path: "/api/v1/conversations/{conversationID}/read",
            summary: "Mark the thread read for the calling user",
            success: (204, nil), errors: [401, 404]),

        .init(
            method: "post", path: "/api/v1/realtime/tickets",
            summary: "A single-use ticket (60 s) to open the realtime socket from a browser",
            success: (201, "RealtimeTicket"), errors: [401]),
        .init(
            method: "get", path: "/api/v1/realtime",
            summary: "WebSocket: live notification.created, message.created, bid.submitted and project.updated",
            auth: .optional,
            query: [
                ("ticket", S.string, "instead of the Authorization header (browsers)"),
                (
                    "since", ["type": "integer", "minimum": 0],
                    "replay this user's deliveries after this eventId (24 h window, at most 500)"
                )
            ],
            success: (101, nil), errors: [400, 401],
            notes:
                "Frames are {type, eventId, data}. Only users entitled to a delivery get it. Pings every REALTIME_PING_SECONDS; a socket that misses a pong is closed. A client whose queue (REALTIME_QUEUE_LIMIT) overflows is closed with 1013; when the access token (or the ticket's session) expires the socket closes with 4001: sign in again and reconnect with ?since=<last eventId>."
        ),

        .init(
            method: "get", path: "/api/v1/notifications", summary: "The caller's notifications, newest first",
            query: listQuery + [("unread", S.bool, "only unread ones")], success: (200, "page:Notification"),
            errors: [400, 401]),
        .init(
            method: "post", path: "/api/v1/notifications/{notificationID}/read", summary: "Mark one read",
            success: (204, nil), errors: [401, 404]),
        .init(
            method: "post", path: "/api/v1/notifications/read-all", summary: "Mark all read", success: (204, nil),
            errors: [401]),

        .init(
            method: "get", path: "/api/v1/analytics/company",
            summary: "Bidding and posting figures for the caller's company",
            query: [
                ("from", S.time, "window start (bids and projects by creation time)"), ("to", S.time, "window end")
            ],
            success: (200, "CompanyAnalytics"), errors: [400, 401])
    ]

    /// GETs answered with an ETag (and 304 to a matching If-None-Match).
    static let conditionalGETPaths: Set<String> = [
        "/api/v1/projects/{projectID}", "/api/v1/projects/{projectID}/bids",
        "/api/v1/projects/{projectID}/documents"
    ]

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
        """

    static func document() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for op in operations {
            paths[op.path, default: [:]][op.method] = operation(op)
        }
        var components: [String: JSONValue] = ["schemas": .object(S.all)]
        components["securitySchemes"] = ["bearer": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT"]]
        return [
            "openapi": "3.1.0",
            "info": ["title": "BidForge API", "version": "1.0.0", "description": .string(overview)],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object(components)
        ]
    }

    static func operation(_ op: Operation) -> JSONValue {
        var o: [String: JSONValue] = ["summary": .string(op.summary), "operationId": .string(operationId(op))]
        if let notes = op.notes { o["description"] = .string(notes) }
        var parameters: [JSONValue] = pathParameters(op.path).map {
            ["name": .string($0), "in": "path", "required": true, "schema": $0.hasSuffix("ID") ? S.uuid : S.string]
        }
        for (name, schema, description) in op.query {
            parameters.append([
                "name": .string(name), "in": "query", "required": false, "schema": schema,
                "description": .string(description)
            ])
        }
        if op.idempotent {
            parameters.append([
                "name": "Idempotency-Key", "in": "header", "required": false,
                "schema": ["type": "string", "minLength": 1, "maxLength": 255],
                "description": "A retry with the same key and body returns the first response."
            ])
        }
        if !parameters.isEmpty { o["parameters"] = .array(parameters) }
        if let body = op.body {
            o["requestBody"] = [
                "required": true, "content": [.init(stringLiteral: op.bodyContentType): ["schema": S.ref(body)]]
            ]
        }
        var responses: [String: JSONValue] = [:]
        let (status, schema) = op.success
        if let schema {
            let s = schema.hasPrefix("page:") ? S.page(String(schema.dropFirst(5))) : S.ref(schema)
            var content: [String: JSONValue] = ["application/json": ["schema": s]]
            if op.path.hasSuffix("/leveling") { content["text/csv"] = ["schema": ["type": "string"]] }
            responses[String(status)] = ["description": "Success", "content": .object(content)]
        } else {
            responses[String(status)] = [
                "description": status == 204
                    ? "Done, no content" : status == 101 ? "Switching Protocols: the socket is open" : "Success"
            ]
        }
        for (code, description) in op.otherResponses { responses[String(code)] = ["description": .string(description)] }
        if op.method == "get" && conditionalGETPaths.contains(op.path) {
            responses["304"] = ["description": "Not Modified: If-None-Match matched the ETag"]
        }
        var common = op.method == "get" ? [500] : [413, 415, 500]
        if !RateLimitMiddleware.exemptPaths.contains(op.path) { common.append(429) }
        // Any query parameter can be malformed (`?page=null`), and a presented but invalid token is 401 wherever one is read.
        if !op.query.isEmpty { common.append(400) }
        if op.auth != .none { common.append(401) }
        for code in Set(op.errors + common + [503]).sorted() where responses[String(code)] == nil {
            responses[String(code)] = [
                "description": .string(errorDescriptions[code] ?? "INTERNAL_ERROR: nothing internal is disclosed"),
                "content": ["application/json": ["schema": S.ref("Error")]]
            ]
        }
        o["responses"] = .object(responses)
        switch op.auth {
        case .none: o["security"] = []
        case .optional: o["security"] = [[:], ["bearer": []]]
        case .required: o["security"] = [["bearer": []]]
        }
        return .object(o)
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// `getProjectsByProjectID`, `postProjectsByProjectIDBids`: unique because every path segment is kept.
    static func operationId(_ op: Operation) -> String {
        let words = op.path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }.map { part -> String in
            if part.hasPrefix("{") {
                return "By" + part.dropFirst().dropLast().prefix(1).uppercased() + part.dropFirst(2).dropLast()
            }
            return part.split(whereSeparator: { $0 == "-" || $0 == "." }).map {
                $0.prefix(1).uppercased() + $0.dropFirst()
            }.joined()
        }
        return op.method + words.joined()
    }

    static let encoded: Data = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(document())) ?? Data("{}".utf8)
    }()

    static func json() throws -> Data { encoded }
}

import OpenAPIKit

/// Projects: search, post, edit, and their life from DRAFT to CANCELLED.
enum ProjectsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/projects",
            "Search projects",
            auth: .optional,
            query: APIOperation.listQuery + [
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
                "Anonymous callers see PUBLIC projects that are not drafts; signed-in callers also see invite-only projects their company was invited to, and their own. pagination.total is exact up to 1,000 matches; beyond, it is the database estimate and pagination.totalIsEstimate is true (pages and nextCursor stay exact)."
        ),
        .init(
            .POST, "/api/v1/projects",
            "Post a project (OWNER or CONTRACTOR); starts as DRAFT",
            body: "ProjectInput", success: (201, "Project"), errors: [400, 401, 403, 409], idempotent: true),
        .init(
            .GET, "/api/v1/projects/{projectID}",
            "One project",
            auth: .optional,
            success: (200, "Project"), errors: [401, 404],
            notes:
                "Public for PUBLIC non-draft projects. An invited company's first view marks its invitation VIEWED. ETag + If-None-Match → 304 (Cache-Control: private, no-cache; Vary: Authorization).",
            conditional: true),
        .init(
            .PATCH, "/api/v1/projects/{projectID}",
            "Edit a DRAFT or OPEN project (owner company)",
            body: "ProjectPatch", success: (200, "Project"), errors: [400, 401, 403, 404, 409],
            notes:
                "bidDueAt on an OPEN project: once it has passed it cannot move and bidding never reopens (409 DUE_TIME_LOCKED); once bids exist it may only move later (409 DUE_TIME_LOCKED); a new value must be in the future (400). Every change of bidDueAt notifies the invited and bidding companies (BID_DUE_CHANGED, data: projectId, bidDueAt, previousBidDueAt). Sealing and visibility change only while DRAFT."
        ),
        .init(
            .POST, "/api/v1/projects/{projectID}/publish",
            "DRAFT → OPEN",
            success: (200, "Project"), errors: [400, 401, 402, 403, 404, 409],
            notes:
                "bidDueAt must be in the future (400). FREE allows 3 OPEN projects at once, PRO 50 (402 PLAN_LIMIT_REACHED). Pending invitees are notified."
        ),
        .init(
            .POST, "/api/v1/projects/{projectID}/close",
            "OPEN → CLOSED",
            success: (200, "Project"), errors: [401, 403, 404, 409]),
        .init(
            .POST, "/api/v1/projects/{projectID}/cancel",
            "DRAFT|OPEN|CLOSED → CANCELLED",
            success: (200, "Project"), errors: [401, 403, 404, 409],
            notes:
                "A draft cancelled before it was ever published (publishedAt null) stays its owner's alone: out of listings and invitation inboxes, 404 to every other company, in the archive too."
        )
    ]

    static var schemas: [String: JSONSchema] { S.projects }
}

extension S {
    fileprivate static let projects: [String: JSONSchema] = [
        "Location": object(
            [
                "address": text(0, 300), "city": text(1, 100), "state": state, "postalCode": text(1, 20),
                "country": enumeration(["US"])
            ], required: ["city", "state", "postalCode"]),
        "ProjectInput": object(
            [
                "title": text(1, 200), "description": text(0, 20_000),
                "visibility": enumeration(["PUBLIC", "INVITE_ONLY"]), "sealed": bool, "trades": tradeCodes,
                "location": ref("Location"), "budgetMinCents": cents, "budgetMaxCents": cents,
                "bidDueAt": JSONSchema.string(format: .dateTime, description: "must be in the future")
            ], required: ["title", "location", "bidDueAt"]),
        "ProjectPatch": object(
            [
                "title": text(1, 200), "description": text(0, 20_000),
                "visibility": enumeration(["PUBLIC", "INVITE_ONLY"]),
                "sealed": bool, "trades": tradeCodes, "location": ref("Location"),
                "budgetMinCents": nullable(cents), "budgetMaxCents": nullable(cents), "bidDueAt": time
            ],
            description:
                "Any subset. `visibility` and `sealed` change only while DRAFT (409 otherwise); budgets clear with null."
        ),
        "Project": object(
            [
                "id": uuid, "companyId": uuid, "title": string, "description": string,
                "status": enumeration(["DRAFT", "OPEN", "CLOSED", "AWARDED", "CANCELLED"]),
                "visibility": enumeration(["PUBLIC", "INVITE_ONLY"]), "sealed": bool, "trades": tradeCodes,
                "location": ref("Location"), "budgetMinCents": nullable(cents), "budgetMaxCents": nullable(cents),
                "bidDueAt": time, "publishedAt": nullable(time), "awardedBidId": nullable(uuid),
                "addendumCount": int, "bidCount": JSONSchema.integer.described("bids that are not withdrawn"),
                "createdAt": time, "updatedAt": time
            ],
            required: [
                "id", "companyId", "title", "status", "visibility", "sealed", "trades", "location", "bidDueAt",
                "addendumCount", "bidCount", "createdAt", "updatedAt"
            ])
    ]
}

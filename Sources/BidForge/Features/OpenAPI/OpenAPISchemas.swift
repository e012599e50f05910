import Foundation

/// Small builders for JSON Schema fragments, so the document reads like the contract.
enum S {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }
    static let string: JSONValue = ["type": "string"]
    static let uuid: JSONValue = ["type": "string", "format": "uuid"]
    static let time: JSONValue = ["type": "string", "format": "date-time", "examples": ["2026-11-26T19:00:00Z"]]
    static let int: JSONValue = ["type": "integer", "format": "int64"]
    static let number: JSONValue = ["type": "number"]
    static let bool: JSONValue = ["type": "boolean"]
    static let cents: JSONValue = [
        "type": "integer", "format": "int64", "minimum": 0, "maximum": 100_000_000_000_000,
        "description": "Money in integer cents."
    ]
    static func text(_ min: Int, _ max: Int) -> JSONValue {
        ["type": "string", "minLength": .int(Int64(min)), "maxLength": .int(Int64(max))]
    }
    static func enumeration(_ values: [String]) -> JSONValue {
        ["type": "string", "enum": .array(values.map { .string($0) })]
    }
    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }
    static func nullable(_ schema: JSONValue) -> JSONValue { ["oneOf": [schema, ["type": "null"]]] }
    static func object(_ properties: [String: JSONValue], required: [String] = [], description: String? = nil)
        -> JSONValue
    {
        var o: [String: JSONValue] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        if let description { o["description"] = .string(description) }
        return .object(o)
    }
    static func page(_ item: String) -> JSONValue {
        object(["data": array(ref(item)), "pagination": ref("Pagination")], required: ["data", "pagination"])
    }

    static let tradeCodes = array([
        "type": "string", "pattern": "^[0-9]{2}$", "description": "CSI MasterFormat division code"
    ])
    static let state: JSONValue = ["type": "string", "pattern": "^[A-Z]{2}$", "description": "US state code"]

    static var all: [String: JSONValue] {
        [
            "Error": object(
                [
                    "error": object(
                        [
                            "code": string, "message": string,
                            "details": [
                                "type": "object",
                                "description":
                                    "field → problem for VALIDATION_FAILED; plan, limit, used for PLAN_LIMIT_REACHED"
                            ]
                        ], required: ["code", "message"])
                ], required: ["error"]),
            "Pagination": object(
                [
                    "page": int, "limit": int, "total": int,
                    "nextCursor": [
                        "type": "string",
                        "description":
                            "project listings: pass as ?cursor= for the next page (keyset, no offset scan); absent on the last page"
                    ]
                ],
                required: ["page", "limit", "total"]),
            "ServiceArea": object(["states": array(state)], required: ["states"]),
            "CompanyInput": object(
                ["name": text(1, 200), "trades": tradeCodes, "serviceArea": ref("ServiceArea")], required: ["name"]),
            "Company": object(
                [
                    "id": uuid, "name": string, "trades": tradeCodes, "serviceArea": ref("ServiceArea"),
                    "plan": enumeration(["FREE", "PRO", "ENTERPRISE"]), "createdAt": time
                ],
                required: ["id", "name", "trades", "serviceArea", "createdAt"],
                description: "Public profile; `plan` appears only for the caller's own company."),
            "CompanyPatch": object(["name": text(1, 200), "trades": tradeCodes, "serviceArea": ref("ServiceArea")]),
            "User": object(
                [
                    "id": uuid, "email": string, "name": string,
                    "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR", "ADMIN"]), "companyId": uuid,
                    "companyRole": enumeration(["ADMIN", "MEMBER"]), "createdAt": time
                ],
                required: ["id", "email", "name", "role", "companyId", "companyRole", "createdAt"]),
            "RegisterInput": object(
                [
                    "email": string,
                    "password": ["type": "string", "minLength": 10, "description": "10 characters to 72 bytes"],
                    "name": text(1, 200), "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR"]),
                    "company": ref("CompanyInput"),
                    "inviteToken": [
                        "type": "string",
                        "description":
                            "Join an existing company instead of creating one; the email must match the invitation, whose role applies."
                    ]
                ], required: ["email", "password", "name"]),
            "Auth": object(
                [
                    "user": ref("User"), "company": ref("Company"), "accessToken": string, "refreshToken": string,
                    "expiresIn": ["type": "integer", "description": "seconds until the access token expires"]
                ],
                required: ["user", "accessToken", "refreshToken", "expiresIn"]),
            "LoginInput": object(["email": string, "password": string], required: ["email", "password"]),
            "RefreshInput": object(["refreshToken": string], required: ["refreshToken"]),
            "TokenPair": object(
                ["accessToken": string, "refreshToken": string, "expiresIn": int],
                required: ["accessToken", "refreshToken", "expiresIn"]),
            "Me": object(["user": ref("User"), "company": ref("Company")], required: ["user", "company"]),
            "MemberInvitationInput": object(
                ["email": string, "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR"])],
                required: ["email", "role"]),
            "MemberInvitation": object(
                ["inviteToken": string, "email": string, "role": string, "expiresAt": time],
                required: ["inviteToken", "email", "role", "expiresAt"],
                description: "The token is shown once; it is valid for 7 days and a single registration."),
            "PlanInput": object(["plan": enumeration(["FREE", "PRO", "ENTERPRISE"])], required: ["plan"]),
            "Trade": object(["code": string, "name": string], required: ["code", "name"]),
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
                    "bidDueAt": ["type": "string", "format": "date-time", "description": "must be in the future"]
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
                    "addendumCount": int, "bidCount": ["type": "integer", "description": "bids that are not withdrawn"],
                    "createdAt": time, "updatedAt": time
                ],
                required: [
                    "id", "companyId", "title", "status", "visibility", "sealed", "trades", "location", "bidDueAt",
                    "addendumCount", "bidCount", "createdAt", "updatedAt"
                ]),
            "InviteInput": object(
                [
                    "companyIds": array(uuid),
                    "match": object(["trades": tradeCodes, "states": array(state)], required: ["trades"])
                ],
                description:
                    "companyIds, match, or both (at most 100 companies each); your own company cannot be invited."),
            "Invitation": object(
                [
                    "id": uuid, "projectId": uuid, "companyId": uuid, "companyName": string,
                    "status": enumeration(["PENDING", "VIEWED", "WILL_BID", "DECLINED", "BID_SUBMITTED"]),
                    "createdAt": time, "respondedAt": nullable(time),
                    "project": object(
                        ["id": uuid, "title": string, "status": string, "bidDueAt": time, "companyId": uuid],
                        description: "In the invited company's inbox only; companyName is then the posting company.")
                ], required: ["id", "projectId", "companyId", "companyName", "status", "createdAt", "respondedAt"]),
            "RespondInput": object(["response": enumeration(["WILL_BID", "DECLINED"])], required: ["response"]),
            "QuestionInput": object(["body": text(1, 5_000)], required: ["body"]),
            "Question": object(
                [
                    "id": uuid, "projectId": uuid, "body": string, "answer": nullable(string),
                    "answeredAt": nullable(time),
                    "companyId": [
                        "oneOf": [uuid, ["type": "null"]],
                        "description": "the asking company; null except for the owner and the asker"
                    ],
                    "askedByMyCompany": bool, "createdAt": time
                ],
                required: [
                    "id", "projectId", "body", "answer", "answeredAt", "companyId", "askedByMyCompany", "createdAt"
                ]),
            "LineItem": object(
                [
                    "description": text(1, 500), "trade": string,
                    "quantity": ["type": "number", "minimum": 0, "description": "at most 4 decimals"],
                    "unit": text(1, 20), "unitPriceCents": cents,
                    "totalCents": [
                        "type": "integer",
                        "description": "quantity × unitPriceCents, rounded half away from zero to the cent"
                    ]
                ], required: ["description", "trade", "quantity", "unit", "unitPriceCents", "totalCents"]),
            "BidInput": object(
                [
                    "amountCents": ["type": "integer", "minimum": 1, "maximum": 100_000_000_000_000],
                    "currency": ["type": "string", "pattern": "^[A-Z]{3}$", "default": "USD"], "notes": text(0, 10_000),
                    "lineItems": [
                        "type": "array", "items": ref("LineItem"), "maxItems": 500,
                        "description": "when given, the totals must add up to amountCents"
                    ],
                    "exclusions": ["type": "array", "items": text(1, 500), "maxItems": 100],
                    "acknowledgedAddendum": [
                        "type": "integer", "minimum": 0, "description": "at most the project's addendumCount"
                    ],
                    "validUntil": time
                ], required: ["amountCents"]),
            "BidPatch": object(
                [
                    "amountCents": int, "currency": string, "notes": string, "lineItems": array(ref("LineItem")),
                    "exclusions": array(string), "acknowledgedAddendum": int, "validUntil": time
                ], description: "Any subset; the revised bid must satisfy the same rules as a new one."),
            "Bid": object(
                [
                    "id": uuid, "projectId": uuid, "companyId": uuid, "companyName": string,
                    "status": enumeration(["SUBMITTED", "WITHDRAWN", "ACCEPTED", "REJECTED"]),
                    "amountCents": nullable(cents), "currency": string, "notes": nullable(string),
                    "lineItems": nullable(array(ref("LineItem"))), "exclusions": array(string),
                    "acknowledgedAddendum": int,
                    "validUntil": nullable(time), "revision": int,
                    "staleAddendum": [
                        "type": "boolean",
                        "description":
                            "acknowledgedAddendum is below the project's addendumCount: the bid may not price the latest documents"
                    ],
                    "warnings": array(ref("BidWarning")),
                    "sealed": [
                        "type": "boolean",
                        "description":
                            "true when price fields are withheld (sealed project, owner, before bidDueAt): amountCents, lineItems and notes are null"
                    ],
                    "createdAt": time, "updatedAt": time,
                    "project": object(
                        ["id": uuid, "title": string, "status": string, "bidDueAt": time],
                        description: "in GET /bids?mine=true")
                ],
                required: [
                    "id", "projectId", "companyId", "status", "amountCents", "currency", "lineItems", "exclusions",
                    "acknowledgedAddendum", "staleAddendum", "revision", "sealed", "createdAt", "updatedAt"
                ],
                description: "`warnings` appears on submit and revise responses only (possibly empty)."),
            "BidWarning": object(
                ["code": enumeration(["STALE_ADDENDUM"]), "message": string], required: ["code", "message"],
                description:
                    "Accepted, but worth a second look: STALE_ADDENDUM when the bid does not acknowledge the latest addendum."
            ),
            "DocumentUpload": object(
                [
                    "file": [
                        "type": "string", "format": "binary",
                        "description":
                            "PDF, PNG, JPEG, TIFF, DWG, DXF, XLSX, DOCX, ZIP or plain text, recognised from its bytes; the part's Content-Type, if given, must agree (else 415). At most 25 MB (FREE), 100 MB (PRO) or 1 GB (ENTERPRISE), MB = 1,000,000 bytes (else 413 with details.limitBytes)."
                    ],
                    "title": text(1, 200)
                ], required: ["file"]),
            "Document": object(
                [
                    "id": uuid, "projectId": uuid,
                    "filename": [
                        "type": "string",
                        "description":
                            "the uploaded name, sanitised: last path component only, no control or reserved characters, at most 200 characters"
                    ],
                    "title": nullable(string),
                    "contentType": [
                        "type": "string", "description": "detected from the bytes, not taken from the client"
                    ],
                    "sizeBytes": int, "sha256": ["type": "string", "pattern": "^[0-9a-f]{64}$"],
                    "addendumNumber": [
                        "oneOf": [int, ["type": "null"]],
                        "description": "set when the upload issued an addendum (the project was OPEN)"
                    ],
                    "variants": [
                        "type": "array", "items": enumeration(["display", "thumbnail"]),
                        "description":
                            "image versions ready for ?variant= (made in the background; empty for non-images)"
                    ],
                    "createdAt": time,
                    "replacesId": ["oneOf": [uuid, ["type": "null"]], "description": "the document this one replaced"],
                    "supersededAt": [
                        "oneOf": [time, ["type": "null"]],
                        "description": "when a later document replaced this one (it stays readable)"
                    ]
                ],
                required: [
                    "id", "projectId", "filename", "title", "contentType", "sizeBytes", "sha256", "addendumNumber",
                    "variants", "createdAt",
                    "replacesId", "supersededAt"
                ]),
            "DocumentActivity": object(
                [
                    "projectId": uuid,
                    "documents": array(
                        object(
                            ["id": uuid, "filename": string, "addendumNumber": nullable(int)],
                            required: ["id", "filename", "addendumNumber"])),
                    "companies": array(
                        object(
                            [
                                "companyId": uuid, "companyName": string, "invited": bool, "bidding": bool,
                                "downloads": int,
                                "lastDownloadedAt": nullable(time),
                                "documents": array(
                                    object(
                                        [
                                            "documentId": uuid, "downloads": int, "firstDownloadedAt": time,
                                            "lastDownloadedAt": time
                                        ],
                                        required: ["documentId", "downloads", "firstDownloadedAt", "lastDownloadedAt"])),
                                "notDownloaded": [
                                    "type": "array", "items": uuid,
                                    "description": "documents this company has never fetched"
                                ]
                            ],
                            required: [
                                "companyId", "companyName", "invited", "bidding", "downloads", "documents",
                                "notDownloaded"
                            ])),
                    "anonymousDownloads": int
                ], required: ["projectId", "documents", "companies", "anonymousDownloads"],
                description:
                    "Every company invited, bidding, or that downloaded (the owner excluded). A download is a whole fetch or a range starting at byte 0; later ranges of the same fetch and 304 revalidations are not counted."
            ),
            "BidRevision": object(
                [
                    "id": uuid, "bidId": uuid, "revision": int, "amountCents": nullable(cents), "currency": string,
                    "notes": nullable(string), "lineItems": nullable(array(ref("LineItem"))),
                    "exclusions": array(string),
                    "acknowledgedAddendum": int, "validUntil": nullable(time), "createdAt": time
                ], required: ["id", "bidId", "revision", "amountCents", "currency", "createdAt"]),
            "Leveling": object(
                [
                    "bids": array(
                        object(
                            [
                                "bidId": uuid, "companyId": uuid, "companyName": string,
                                "rank": [
                                    "type": "integer", "description": "1 = lowest amount; equal amounts share a rank"
                                ],
                                "amountCents": cents, "deltaFromLowestPct": number,
                                "tradeSubtotals": ["type": "object", "additionalProperties": int],
                                "missingTrades": tradeCodes, "exclusions": array(string), "staleAddendum": bool
                            ],
                            required: [
                                "bidId", "companyId", "companyName", "rank", "amountCents", "deltaFromLowestPct",
                                "tradeSubtotals", "missingTrades", "exclusions", "staleAddendum"
                            ])),
                    "stats": object(
                        [
                            "count": int, "lowest": nullable(int), "highest": nullable(int), "median": nullable(int),
                            "mean": nullable(int)
                        ],
                        required: ["count"])
                ], required: ["bids", "stats"]),
            "AwardInput": object(["bidId": uuid], required: ["bidId"]),
            "OpenConversationInput": object(["projectId": uuid, "companyId": uuid], required: ["projectId"]),
            "Conversation": object(
                [
                    "id": uuid, "projectId": uuid, "projectTitle": string, "ownerCompanyId": uuid,
                    "ownerCompanyName": string,
                    "companyId": uuid, "companyName": string, "createdAt": time, "lastMessageAt": nullable(time),
                    "unreadCount": int
                ],
                required: [
                    "id", "projectId", "projectTitle", "ownerCompanyId", "ownerCompanyName", "companyId", "companyName",
                    "createdAt", "lastMessageAt", "unreadCount"
                ]),
            "MessageInput": object(["body": text(1, 10_000)], required: ["body"]),
            "Message": object(
                [
                    "id": uuid, "conversationId": uuid, "companyId": uuid, "senderId": uuid, "senderName": string,
                    "body": ["type": "string", "description": "exactly as sent; escape it when rendering HTML"],
                    "createdAt": time
                ], required: ["id", "conversationId", "companyId", "senderId", "senderName", "body", "createdAt"]),
            "MessagePage": object(
                ["data": array(ref("Message")), "nextBefore": nullable(uuid)], required: ["data", "nextBefore"]),
            "RealtimeTicket": object(["ticket": string, "expiresAt": time], required: ["ticket", "expiresAt"]),
            "Notification": object(
                [
                    "id": uuid,
                    "type": enumeration([
                        "INVITATION_RECEIVED", "BID_SUBMITTED", "BID_REVISED", "BID_WITHDRAWN",
                        "BID_ACCEPTED", "BID_REJECTED", "PROJECT_AWARDED", "ADDENDUM_ISSUED",
                        "QUESTION_ASKED", "QUESTION_ANSWERED", "MESSAGE_RECEIVED", "BID_DUE_SOON", "BID_DUE_CHANGED"
                    ]),
                    "title": string, "body": string,
                    "data": [
                        "type": "object",
                        "description":
                            "BID_REJECTED: {projectId, bidId, rank, bidCount, aboveWinningPct}; BID_ACCEPTED: {projectId, bidId, bidCount}"
                    ],
                    "readAt": nullable(time), "createdAt": time
                ], required: ["id", "type", "title", "body", "data", "readAt", "createdAt"]),
            "CompanyAnalytics": object(
                [
                    "from": time, "to": time, "bidsSubmitted": int, "bidsWon": int,
                    "winRate": ["type": "number", "description": "bidsWon / bidsSubmitted, 0–1"],
                    "avgDeltaToWinnerPct": [
                        "oneOf": [number, ["type": "null"]],
                        "description": "mean % above the winning amount over lost bids on awarded projects"
                    ],
                    "projectsPosted": int, "avgBidsPerProject": nullable(number),
                    "avgHoursToAward": ["oneOf": [number, ["type": "null"]], "description": "published → awarded"],
                    "byTrade": array(object(["trade": string, "bidsSubmitted": int, "bidsWon": int]))
                ], required: ["bidsSubmitted", "bidsWon", "winRate", "projectsPosted", "byTrade"]),
            "Health": object(
                [
                    "status": enumeration(["healthy", "unhealthy"]),
                    "checks": [
                        "type": "object",
                        "additionalProperties": object([
                            "status": enumeration(["ok", "error", "disabled", "degraded"]), "message": string,
                            "details": ["type": "object"]
                        ])
                    ],
                    "timestamp": time
                ], required: ["status", "checks", "timestamp"]),
            "Live": object(["status": enumeration(["alive"])], required: ["status"]),
            "Ready": object(["status": enumeration(["ready", "not_ready", "draining"])], required: ["status"])
        ]
    }
}

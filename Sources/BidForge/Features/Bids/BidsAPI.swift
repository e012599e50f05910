import OpenAPIKit

/// Bids, their revisions, leveling and the award.
enum BidsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/projects/{projectID}/award",
            "Award one bid (CLOSED → AWARDED)",
            body: "AwardInput", success: (200, "Project"), errors: [400, 401, 403, 404, 409],
            notes:
                "Follows the status machine: the project must be CLOSED (409 INVALID_TRANSITION otherwise). The bid must be SUBMITTED. Every other live bid is REJECTED; bidders get BID_ACCEPTED / BID_REJECTED, invited companies that did not bid get PROJECT_AWARDED, in the same transaction."
        ),
        .init(
            .POST, "/api/v1/projects/{projectID}/bids",
            "Submit a bid",
            body: "BidInput", success: (201, "Bid"), errors: [400, 401, 402, 403, 404, 409], idempotent: true,
            notes:
                "CONTRACTOR or SUBCONTRACTOR of another company. 409 BIDDING_CLOSED unless OPEN and before bidDueAt; 409 BID_EXISTS for a second live bid; FREE plan: 10 bids per calendar month (UTC), withdrawn ones included (402)."
        ),
        .init(
            .GET, "/api/v1/projects/{projectID}/bids",
            "Bids: all for the owner company, its own for a bidder",
            query: APIOperation.listQuery, success: (200, "page:Bid"), errors: [400, 401, 404],
            notes: "ETag + If-None-Match → 304.", conditional: true),
        .init(
            .GET, "/api/v1/projects/{projectID}/bids/leveling",
            "Level the live bids (owner company)",
            query: [("format", S.enumeration(["json", "csv"]), "csv: a header row and one row per bid")],
            success: (200, "Leveling"), errors: [400, 401, 403, 404, 409],
            notes: "For a sealed project before bidDueAt: 409 BIDS_SEALED.", csv: true),
        .init(
            .GET, "/api/v1/bids",
            "The caller company's bids across projects",
            query: APIOperation.listQuery + [
                ("mine", S.enumeration(["true"]), "only true is supported"),
                ("status", S.enumeration(["SUBMITTED", "WITHDRAWN", "ACCEPTED", "REJECTED"]), "filter")
            ],
            success: (200, "page:Bid"), errors: [400, 401]),
        .init(
            .PATCH, "/api/v1/bids/{bidID}",
            "Revise a bid (revision + 1, history kept)",
            body: "BidPatch", success: (200, "Bid"), errors: [400, 401, 403, 404, 409]),
        .init(
            .POST, "/api/v1/bids/{bidID}/withdraw",
            "Withdraw a bid while bidding is open",
            success: (200, "Bid"), errors: [401, 403, 404, 409]),
        .init(
            .GET, "/api/v1/bids/{bidID}/revisions",
            "Every version of a bid, revision 1 first",
            query: APIOperation.listQuery, success: (200, "page:BidRevision"), errors: [400, 401, 404])
    ]

    static var schemas: [String: JSONSchema] { S.bids }
}

extension S {
    fileprivate static let bids: [String: JSONSchema] = [
        "LineItem": object(
            [
                "description": text(1, 500), "trade": string,
                "quantity": JSONSchema.number(description: "at most 4 decimals", minimum: (0, exclusive: false)),
                "unit": text(1, 20), "unitPriceCents": cents,
                "totalCents": JSONSchema.integer.described(
                    "quantity × unitPriceCents, rounded half away from zero to the cent")
            ], required: ["description", "trade", "quantity", "unit", "unitPriceCents", "totalCents"]),
        "BidInput": object(
            [
                "amountCents": integer(min: 1, max: 100_000_000_000_000),
                "currency": JSONSchema.string(pattern: "^[A-Z]{3}$", defaultValue: "USD"), "notes": text(0, 10_000),
                "lineItems": array(ref("LineItem"), maxItems: 500).described(
                    "when given, the totals must add up to amountCents"),
                "exclusions": array(text(1, 500), maxItems: 100),
                "acknowledgedAddendum": integer(min: 0).described("at most the project's addendumCount"),
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
                "staleAddendum": bool.described(
                    "acknowledgedAddendum is below the project's addendumCount: the bid may not price the latest documents"
                ),
                "warnings": array(ref("BidWarning")),
                "sealed": bool.described(
                    "true when price fields are withheld (sealed project, owner, before bidDueAt): amountCents, lineItems and notes are null"
                ),
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
                            "rank": JSONSchema.integer.described("1 = lowest amount; equal amounts share a rank"),
                            "amountCents": cents, "deltaFromLowestPct": number,
                            "tradeSubtotals": map(int),
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
        "AwardInput": object(["bidId": uuid], required: ["bidId"])
    ]
}

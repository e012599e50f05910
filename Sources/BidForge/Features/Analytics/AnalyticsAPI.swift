import OpenAPIKit

/// The company's bidding figures.
enum AnalyticsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/analytics/company",
            "Bidding and posting figures for the caller's company",
            query: [
                ("from", S.time, "window start (bids and projects by creation time)"), ("to", S.time, "window end")
            ],
            success: (200, "CompanyAnalytics"), errors: [400, 401])
    ]

    static var schemas: [String: JSONSchema] { S.analytics }
}

extension S {
    fileprivate static let analytics: [String: JSONSchema] = [
        "CompanyAnalytics": object(
            [
                "from": time, "to": time, "bidsSubmitted": int, "bidsWon": int,
                "winRate": number.described("bidsWon / bidsSubmitted, 0–1"),
                "avgDeltaToWinnerPct": nullable(number).described(
                    "mean % above the winning amount over lost bids on awarded projects"),
                "projectsPosted": int, "avgBidsPerProject": nullable(number),
                "avgHoursToAward": nullable(number).described("published → awarded"),
                "byTrade": array(object(["trade": string, "bidsSubmitted": int, "bidsWon": int]))
            ], required: ["bidsSubmitted", "bidsWon", "winRate", "projectsPosted", "byTrade"])
    ]
}

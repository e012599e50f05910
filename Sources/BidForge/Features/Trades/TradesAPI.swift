import OpenAPIKit

/// The trade list.
enum TradesAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/trades",
            "CSI MasterFormat divisions",
            auth: .none, query: APIOperation.listQuery,
            success: (200, "page:Trade"),
            notes: "limit defaults to 100 here so one call returns every trade.")
    ]

    static var schemas: [String: JSONSchema] { S.trades }
}

extension S {
    fileprivate static let trades: [String: JSONSchema] = [
        "Trade": object(["code": string, "name": string], required: ["code", "name"])
    ]
}

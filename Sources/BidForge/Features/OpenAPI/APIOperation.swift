import OpenAPIKit
import Vapor

/// What a feature documents of its HTTP API: every route it registers, and the schemas those name. Each feature keeps
/// its description next to its routes (`<Feature>API.swift`); `OpenAPITests` fails when a registered route is not
/// described here, or a description names no route.
protocol DocumentedAPI {
    static var operations: [APIOperation] { get }
    static var schemas: [String: JSONSchema] { get }
}

/// One route as the API document describes it: who may call it, what it takes, what it answers and how it fails.
struct APIOperation {
    enum Auth { case none, optional, required }

    let method: HTTPMethod
    /// `/api/v1/projects/{projectID}`: parameters ending in `ID` are UUIDs.
    let path: String
    let summary: String
    var auth: Auth = .required
    var query: [(name: String, schema: JSONSchema, description: String)] = []
    /// The request body's schema (a component name) and its media type.
    var body: String? = nil
    var bodyContentType: OpenAPI.ContentType = .json
    /// The success status and its body's schema: a component name, `page:<Item>` for the list shape, nil for none.
    var success: (status: Int, schema: String?) = (200, nil)
    /// Error statuses this route answers besides the ones every route may (see `OpenAPIDocument.commonErrors`).
    var errors: [Int] = []
    var idempotent = false
    var notes: String? = nil
    /// Other non-error answers (a download's 206, 302, 304), by status.
    var otherResponses: [Int: String] = [:]
    /// Also answered as `text/csv` (the leveling sheet).
    var csv = false
    /// GETs answered with an ETag, and 304 to a matching If-None-Match.
    var conditional = false

    init(
        _ method: HTTPMethod, _ path: String, _ summary: String, auth: Auth = .required,
        query: [(name: String, schema: JSONSchema, description: String)] = [], body: String? = nil,
        bodyContentType: OpenAPI.ContentType = .json, success: (status: Int, schema: String?) = (200, nil),
        errors: [Int] = [], idempotent: Bool = false, notes: String? = nil, otherResponses: [Int: String] = [:],
        csv: Bool = false, conditional: Bool = false
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.auth = auth
        self.query = query
        self.body = body
        self.bodyContentType = bodyContentType
        self.success = success
        self.errors = errors
        self.idempotent = idempotent
        self.notes = notes
        self.otherResponses = otherResponses
        self.csv = csv
        self.conditional = conditional
    }

    /// The list endpoints' paging parameters.
    static let listQuery: [(name: String, schema: JSONSchema, description: String)] = [
        (
            "page", .integer(minimum: (1, exclusive: false), defaultValue: 1),
            "1-based page; 0, negative or non-numeric is 400"
        ),
        ("limit", .integer(minimum: (1, exclusive: false), defaultValue: 20), "page size; above 100 is clamped to 100")
    ]

    var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    /// `getProjectsByProjectID`, `postProjectsByProjectIDBids`: unique because every path segment is kept.
    var operationId: String {
        let words = path.split(separator: "/").filter { $0 != "api" && $0 != "v1" }.map { part -> String in
            if part.hasPrefix("{") {
                return "By" + part.dropFirst().dropLast().prefix(1).uppercased() + part.dropFirst(2).dropLast()
            }
            return part.split(whereSeparator: { $0 == "-" || $0 == "." }).map {
                $0.prefix(1).uppercased() + $0.dropFirst()
            }.joined()
        }
        return method.rawValue.lowercased() + words.joined()
    }
}

import Foundation
import Testing
import Vapor

@testable import BidForge

/// A cookie-keeping client for the HTML pages, driving the app's real responder like `TestApp.request`.
final class WebBrowser: @unchecked Sendable {
    let t: TestApp
    var cookies: [String: String] = [:]
    /// Set-Cookie lines of the last response, for attribute checks.
    var lastSetCookies: [String] = []

    init(_ t: TestApp) { self.t = t }

    var csrf: String? { cookies[WebSession.csrfCookie] }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        try await send(.GET, path, body: nil)
    }

    /// A form post; `_csrf` is added from the cookie unless `csrf: false`.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> TestResponse {
        var all = fields
        if csrf, let token = self.csrf { all.append((WebSession.csrfField, token)) }
        var components = URLComponents()
        components.queryItems = all.map { URLQueryItem(name: $0.0, value: $0.1) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await send(.POST, path, body: encoded)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String?) async throws -> TestResponse {
        var headers: [String: String] = [:]
        if !cookies.isEmpty { headers["Cookie"] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        let response = try await t.request(
            method, path, headers: headers, rawBody: body.map { ByteBuffer(string: $0) },
            contentType: body == nil ? nil : "application/x-www-form-urlencoded")
        lastSetCookies = response.headers[.setCookie]
        for line in lastSetCookies {
            guard let pair = line.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...])
            if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return response
    }

    /// Signs in through the form as someone registered through the API (so tests know their ids).
    static func signedIn(_ t: TestApp, as member: Member) async throws -> WebBrowser {
        let browser = WebBrowser(t)
        try await browser.get("/login")
        let r = try await browser.post("/login", [("email", member.email), ("password", "correct-horse-battery")])
        try #require(r.status == .seeOther, "sign-in failed: \(r.status)")
        return browser
    }

    /// Signs up through the form (the page first, for its CSRF cookie) and returns the response.
    @discardableResult
    func signUp(
        role: String = "OWNER", email: String = "web-\(UUID().uuidString.prefix(8))@example.com",
        company: String = "Web Co \(UUID().uuidString.prefix(4))", name: String = "Pat Web"
    ) async throws -> TestResponse {
        try await get("/signup")
        return try await post(
            "/signup",
            [
                ("name", name), ("email", email), ("password", "correct-horse-battery"),
                ("role", role), ("companyName", company), ("states", "TX"), ("trades[]", "03")
            ])
    }
}

/// HTML snapshots with the parts that change per run (tokens, ids, asset hashes) replaced.
enum HTMLSnapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Snapshots")

    static func normalise(_ html: String) -> String {
        var text = html
        for (pattern, replacement) in [
            (#"value="[A-Za-z0-9_-]{40,}""#, #"value="TOKEN""#),
            (#"data-csrf="[A-Za-z0-9_-]{20,}""#, #"data-csrf="TOKEN""#),
            (#"_csrf=[A-Za-z0-9_-]{20,}"#, "_csrf=TOKEN"),
            (#"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#, "UUID"),
            (#"\.[0-9a-f]{12}\.(css|js|svg)"#, ".HASH.$1")
        ] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }

    /// Compares with `Snapshots/<name>.html`; `BIDFORGE_UPDATE_SNAPSHOTS=1` rewrites it instead.
    static func check(_ html: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = directory.appendingPathComponent("\(name).html")
        let actual = normalise(html)
        if ProcessInfo.processInfo.environment["BIDFORGE_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try #require(
            try? String(contentsOf: file, encoding: .utf8),
            "no snapshot \(file.path); run with BIDFORGE_UPDATE_SNAPSHOTS=1 and review it",
            sourceLocation: sourceLocation)
        #expect(
            actual == expected,
            "the \(name) page changed; if that is intended, update the snapshot (BIDFORGE_UPDATE_SNAPSHOTS=1)",
            sourceLocation: sourceLocation)
    }
}

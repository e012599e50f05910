import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// Hostile and clumsy input: every case gets a clear 4xx in the error shape, never a 500.
@Suite struct BadInputTests {
    @Test func malformedAndMistypedBodiesAre400sEverywhere() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bid = try await t.submitBid(sub, on: project)
            let endpoints: [(HTTPMethod, String, Member?)] = [
                (.POST, "/api/v1/auth/register", nil), (.POST, "/api/v1/auth/login", nil),
                (.POST, "/api/v1/auth/refresh", nil),
                (.POST, "/api/v1/projects", owner), (.PATCH, "/api/v1/projects/\(project)", owner),
                (.POST, "/api/v1/projects/\(project)/bids", sub), (.PATCH, "/api/v1/bids/\(bid)", sub),
                (.POST, "/api/v1/projects/\(project)/questions", sub),
                (.POST, "/api/v1/projects/\(project)/invitations", owner),
                (.PATCH, "/api/v1/companies/\(owner.companyId)", owner),
                (.POST, "/api/v1/companies/\(owner.companyId)/invitations", owner)
            ]
            let bodies = [
                "{bad json", "[]", "\"just a string\"",
                "{\"title\": 42, \"name\": 7, \"amountCents\": \"ten\", \"email\": [], \"body\": {}}", "null", "{}"
            ]
            for (method, path, member) in endpoints {
                for body in bodies {
                    let r = try await t.request(method, path, token: member?.token, json: body)
                    if method == .PATCH && body == "{}" {
                        #expect(r.status.code < 500, "\(method) \(path) \(body)")
                        continue
                    }
                    #expect(r.status == .badRequest, "\(method) \(path) with \(body) → \(r.status.code) \(r.text)")
                    #expect(r.errorCode == "VALIDATION_FAILED", "\(method) \(path) with \(body)")
                    #expect(r.json["error"]["message"].string != nil)
                }
            }
        }
    }

    @Test func missingFieldsAndUnknownEnumsNameTheField() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            var body = t.projectJSON()
            body.removeValue(forKey: "bidDueAt")
            let missing = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: body)
            #expect(
                missing.status == .badRequest && missing.json["error"]["details"]["bidDueAt"].string == "is required")
            var enumBody = t.projectJSON()
            enumBody["visibility"] = "SECRET"
            let badEnum = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: enumBody)
            #expect(badEnum.status == .badRequest && badEnum.json["error"]["details"]["visibility"].string != nil)
            var typeBody = t.projectJSON()
            typeBody["sealed"] = "yes"
            let badType = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: typeBody)
            #expect(badType.json["error"]["details"]["sealed"].string == "must be true or false")
            var dateBody = t.projectJSON()
            dateBody["bidDueAt"] = "next tuesday"
            #expect(
                try await t.request(.POST, "/api/v1/projects", token: owner.token, body: dateBody).status == .badRequest
            )
            var nested = t.projectJSON()
            nested["location"] = ["city": "Austin", "state": "TX"]
            let nestedMissing = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: nested)
            #expect(nestedMissing.json["error"]["details"]["location.postalCode"].string == "is required")
        }
    }

    @Test func unicodeAndSQLLookingTextRoundTripUnchanged() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let title = "Ünïcødé 工事 🏗️ '); DROP TABLE projects;-- <script>alert(1)</script> \\ % _"
            let description = "Line one\nLine \"two\"\ttab — 100% 'quoted' `tick` ${x} \u{202E}rtl"
            let id = try await t.createProject(owner, t.projectJSON(title: title, description: description))
            let r = try await t.request(.GET, "/api/v1/projects/\(id)", token: owner.token)
            #expect(r.json["title"].string == title)
            #expect(r.json["description"].string == description)
            let nul = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(title: "a\u{0}b"))
            #expect(nul.status == .badRequest && nul.json["error"]["details"]["title"].string != nil)
            _ = try await t.request(.POST, "/api/v1/projects/\(id)/publish", token: owner.token)
            let search = try await t.request(.GET, "/api/v1/projects?q=%25%20_")
            #expect(search.status == .ok)
            let sql = try await t.request(
                .GET, "/api/v1/projects?q=%27%29%3B%20DROP%20TABLE%20projects%3B--&city=%27%20OR%201%3D1--")
            #expect(sql.status == .ok && sql.json["data"].array.isEmpty)
            #expect(try await t.request(.GET, "/api/v1/projects").json["data"].array.count == 1)
        }
    }

    @Test func longStringsAndHugeNumbers() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let long = String(repeating: "x", count: 10_000)
            #expect(
                try await t.request(.POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(title: long))
                    .status == .badRequest)
            let okDescription = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(description: long))
            #expect(okDescription.status == .created && okDescription.json["description"].string?.count == 10_000)
            #expect(
                try await t.request(
                    .POST, "/api/v1/auth/register",
                    body: [
                        "email": .string(long + "@example.com"), "password": .string(long), "name": .string(long),
                        "role": "OWNER", "company": ["name": .string(long)]
                    ] as [String: JSONValue]
                ).status == .badRequest)
            #expect(
                try await t.request(
                    .POST, "/api/v1/projects/\(project)/questions", token: sub.token,
                    body: ["body": .string(long)] as [String: JSONValue]
                ).status == .badRequest)
            let hugeQuantity = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                json: """
                    {"amountCents": 100, "lineItems": [{"description": "x", "trade": "03", "quantity": 1e308, "unit": "EA", "unitPriceCents": 9223372036854775807, "totalCents": 100}]}
                    """)
            #expect(hugeQuantity.status == .badRequest)
            let negativeBudget = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(budget: (-1, 5)))
            #expect(negativeBudget.status == .badRequest)
            let overflowBudget = try await t.request(
                .POST, "/api/v1/projects", token: owner.token,
                json: """
                    {"title": "x", "location": {"city": "a", "state": "TX", "postalCode": "1"}, "bidDueAt": "2030-01-01T00:00:00Z", "budgetMaxCents": 1e40}
                    """)
            #expect(overflowBudget.status == .badRequest)
        }
    }

    @Test func transportProblems() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let tooBig = "{\"title\": \"" + String(repeating: "a", count: 1_100_000) + "\"}"
            let big = try await t.request(.POST, "/api/v1/projects", token: owner.token, json: tooBig)
            #expect(big.status == .payloadTooLarge && big.errorCode == "PAYLOAD_TOO_LARGE")
            let form = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, json: "title=x",
                contentType: "application/x-www-form-urlencoded")
            #expect(form.status == .unsupportedMediaType && form.errorCode == "UNSUPPORTED_MEDIA_TYPE")
            let empty = try await t.request(.POST, "/api/v1/projects", token: owner.token)
            #expect(empty.status == .badRequest)
            let route = try await t.request(.GET, "/api/v1/nowhere")
            #expect(route.status == .notFound && route.errorCode == "NOT_FOUND")
            let idem = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(),
                headers: ["Idempotency-Key": String(repeating: "k", count: 256)])
            #expect(idem.status == .badRequest)
            #expect(idem.headers.first(name: "X-Request-Id") != nil)
        }
    }

    @Test func pagingNonsense() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            for path in [
                "/api/v1/projects", "/api/v1/notifications", "/api/v1/bids", "/api/v1/invitations", "/api/v1/trades"
            ] {
                let clamped = try await t.request(.GET, "\(path)?limit=100000", token: owner.token)
                #expect(clamped.status == .ok && clamped.json["pagination"]["limit"].int == 100, "\(path)")
                for q in ["page=-1", "page=0", "limit=-5", "page=abc", "limit=1.5", "page=99999999999999999999"] {
                    let r = try await t.request(.GET, "\(path)?\(q)", token: owner.token)
                    #expect(r.status == .badRequest, "\(path)?\(q) → \(r.status.code)")
                }
            }
        }
    }
}

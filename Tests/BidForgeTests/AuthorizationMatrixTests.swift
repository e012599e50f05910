import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// For every endpoint: no token, a caller from another company, and a caller of the right company with the wrong
/// role — each with the exact status and error code. Requests are otherwise valid, so only authorisation can fail.
@Suite struct AuthorizationMatrixTests {
    struct Case: Sendable {
        let method: HTTPMethod
        let path: String
        let body: JSONValue?
        /// Expected (status, code) for: anonymous, outsider, wrong role. nil = not applicable.
        let anonymous: (UInt, String)?
        let outsider: (UInt, String)?
        let wrongRole: (UInt, String)?
    }

    @Test func everyEndpointRefusesTheWrongCaller() async throws {
        try await TestApp.run { t in
            // The world: an owner company with a subcontractor colleague (wrong role for managing), an invite-only
            // project with a bid, a question and an invitation; an outsider company that was never invited.
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .subcontractor)
            let bidder = try await t.register(.subcontractor)
            let bidderColleague = try await t.join(bidder, role: .owner)
            let outsider = try await t.register(.contractor)
            let project = try await t.openProject(owner, t.projectJSON(visibility: "INVITE_ONLY"))
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(bidder.companyId.uuidString)]] as [String: JSONValue])
            let invitation = try #require(invite.json["data"][0]["id"].uuid)
            let bid = try await t.submitBid(bidder, on: project)
            let question = try #require(
                try await t.request(
                    .POST, "/api/v1/projects/\(project)/questions", token: bidder.token,
                    body: ["body": "Which spec?"]
                ).json["id"].uuid)
            let notification = try #require(try await t.notifications(owner).first?["id"].uuid)

            let p = "/api/v1/projects/\(project)"
            let c = "/api/v1/companies/\(owner.companyId)"
            let unauth: (UInt, String) = (401, "UNAUTHENTICATED")
            let notFound: (UInt, String) = (404, "NOT_FOUND")
            let forbidden: (UInt, String) = (403, "FORBIDDEN")
            let cases: [Case] = [
                .init(method: .GET, path: "/api/v1/me", body: nil, anonymous: unauth, outsider: nil, wrongRole: nil),
                .init(
                    method: .POST, path: "/api/v1/auth/logout", body: ["refreshToken": "x"], anonymous: unauth,
                    outsider: nil, wrongRole: nil),
                .init(method: .GET, path: c, body: nil, anonymous: unauth, outsider: nil, wrongRole: nil),
                .init(
                    method: .PATCH, path: c, body: ["name": "Taken over"], anonymous: unauth, outsider: forbidden,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(c)/invitations", body: ["email": "x@example.com", "role": "OWNER"],
                    anonymous: unauth, outsider: forbidden, wrongRole: forbidden),
                .init(
                    method: .PUT, path: "\(c)/plan", body: ["plan": "ENTERPRISE"], anonymous: unauth,
                    outsider: forbidden, wrongRole: forbidden),
                .init(
                    method: .POST, path: "/api/v1/projects", body: .object(t.projectJSON()), anonymous: unauth,
                    outsider: nil, wrongRole: forbidden),
                .init(method: .GET, path: p, body: nil, anonymous: notFound, outsider: notFound, wrongRole: nil),
                .init(
                    method: .PATCH, path: p, body: ["title": "Hijacked"], anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/close", body: nil, anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/cancel", body: nil, anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/publish", body: nil, anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/award", body: ["bidId": .string(bid.uuidString)], anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "\(p)/bids", body: nil, anonymous: unauth, outsider: notFound, wrongRole: nil),
                .init(
                    method: .POST, path: "\(p)/bids", body: .object(t.bidJSON(5_000)), anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "\(p)/bids/leveling", body: nil, anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/invitations",
                    body: ["companyIds": [.string(outsider.companyId.uuidString)]], anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "\(p)/invitations", body: nil, anonymous: unauth, outsider: notFound,
                    wrongRole: forbidden),
                .init(
                    method: .POST, path: "\(p)/questions", body: ["body": "Hello?"], anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "\(p)/questions", body: nil, anonymous: notFound, outsider: notFound,
                    wrongRole: nil),
                .init(
                    method: .POST, path: "/api/v1/questions/\(question)/answer", body: ["body": "Spec 09"],
                    anonymous: unauth, outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "/api/v1/invitations", body: nil, anonymous: unauth, outsider: nil,
                    wrongRole: nil),
                .init(
                    method: .POST, path: "/api/v1/invitations/\(invitation)/respond", body: ["response": "DECLINED"],
                    anonymous: unauth, outsider: notFound, wrongRole: nil),
                .init(
                    method: .GET, path: "/api/v1/bids?mine=true", body: nil, anonymous: unauth, outsider: nil,
                    wrongRole: nil),
                .init(
                    method: .PATCH, path: "/api/v1/bids/\(bid)", body: ["notes": "x"], anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .POST, path: "/api/v1/bids/\(bid)/withdraw", body: nil, anonymous: unauth,
                    outsider: notFound, wrongRole: forbidden),
                .init(
                    method: .GET, path: "/api/v1/bids/\(bid)/revisions", body: nil, anonymous: unauth,
                    outsider: notFound, wrongRole: nil),
                .init(
                    method: .GET, path: "/api/v1/notifications", body: nil, anonymous: unauth, outsider: nil,
                    wrongRole: nil),
                .init(
                    // A notification is the company's; a colleague marking it read changes only their own state.
                    method: .POST, path: "/api/v1/notifications/\(notification)/read", body: nil, anonymous: unauth,
                    outsider: notFound, wrongRole: nil),
                .init(
                    method: .POST, path: "/api/v1/notifications/read-all", body: nil, anonymous: unauth, outsider: nil,
                    wrongRole: nil),
                .init(
                    method: .GET, path: "/api/v1/analytics/company", body: nil, anonymous: unauth, outsider: nil,
                    wrongRole: nil)
            ]

            /// The wrong-role caller for each path: the owner's subcontractor colleague, except where the object is
            /// the bidder's (a bid) and the wrong person is the project owner, or where an owner-role colleague of the bidder is wrong.
            func wrongRoleCaller(_ path: String) -> Member {
                if path.contains("/bids/\(bid)") { return owner }
                if path.hasSuffix("/respond") { return bidderColleague }
                return colleague
            }

            for testCase in cases {
                let body = testCase.body.map { String(decoding: try! JSONEncoder().encode($0), as: UTF8.self) }
                let callers: [(String, Member?, (UInt, String)?)] = [
                    ("anonymous", nil, testCase.anonymous), ("outsider", outsider, testCase.outsider),
                    ("wrong role", wrongRoleCaller(testCase.path), testCase.wrongRole)
                ]
                for (label, member, expected) in callers {
                    guard let expected else { continue }
                    let r = try await t.request(testCase.method, testCase.path, token: member?.token, json: body)
                    #expect(
                        r.status.code == expected.0 && r.errorCode == expected.1,
                        "\(testCase.method) \(testCase.path) as \(label): got \(r.status.code) \(r.errorCode ?? r.text)"
                    )
                }
            }

            // Nothing above changed anything.
            let after = try await t.request(.GET, p, token: owner.token)
            #expect(after.json["status"].string == "OPEN" && after.json["title"].string == "Clinic fit-out")
            #expect(try await t.request(.GET, c, token: owner.token).json["plan"].string == "FREE")
        }
    }
}

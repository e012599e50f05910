import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct LevelingAndAwardTests {
    @Test func levelingSideBySideAndAsCSV() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(trades: ["03", "26"]))
            let a = try await t.register(.subcontractor, company: "Alpha Concrete")
            let b = try await t.register(.contractor, company: "Bravo, Builders")
            let c = try await t.register(.subcontractor, company: "Charlie Electric")
            let bidA = try await t.submitBid(a, on: project, amount: 100_000)
            let bidB = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: b.token,
                body: [
                    "amountCents": 125_000,
                    "lineItems": [
                        [
                            "description": "Slab", "trade": "03", "quantity": 1, "unit": "LS",
                            "unitPriceCents": 100_000, "totalCents": 100_000
                        ],
                        [
                            "description": "Power", "trade": "26", "quantity": 1, "unit": "LS",
                            "unitPriceCents": 25_000, "totalCents": 25_000
                        ]
                    ],
                    "exclusions": ["Winter heat"]
                ] as [String: JSONValue]
            ).json["id"].uuid!
            let bidC = try await t.submitBid(c, on: project, amount: 150_000)
            _ = try await t.request(.POST, "/api/v1/bids/\(bidC)/withdraw", token: c.token)

            let r = try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: owner.token)
            #expect(r.status == .ok)
            let rows = r.json["bids"].array
            #expect(rows.map(\.["bidId"].uuid) == [bidA, bidB])
            #expect(rows.map(\.["rank"].int) == [1, 2])
            #expect(rows[1]["deltaFromLowestPct"].double == 25)
            #expect(rows[0]["missingTrades"].array.compactMap(\.string) == ["26"])
            #expect(rows[1]["missingTrades"].array.isEmpty)
            #expect(rows[1]["tradeSubtotals"]["26"].int == 25_000)
            #expect(rows[1]["companyName"].string == "Bravo, Builders")
            #expect(rows[0]["staleAddendum"].bool == false)
            #expect(r.json["stats"]["count"].int == 2)
            #expect(r.json["stats"]["median"].int == 112_500 && r.json["stats"]["mean"].int == 112_500)

            let csv = try await t.request(
                .GET, "/api/v1/projects/\(project)/bids/leveling?format=csv", token: owner.token)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.text.split(separator: "\r\n")
            #expect(lines.count == 3)
            #expect(lines[0].hasPrefix("rank,bidId,companyId,companyName,amountCents"))
            #expect(lines[2].contains("\"Bravo, Builders\""))

            let bidder = try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: a.token)
            #expect(bidder.status == .forbidden)
            let stranger = try await t.register(.owner)
            let privateProject = try await t.openProject(owner, t.projectJSON(visibility: "INVITE_ONLY"))
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(privateProject)/bids/leveling", token: stranger.token)
                    .status == .notFound)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling?format=xml", token: owner.token)
                    .status == .badRequest)
        }
    }

    @Test func awardAcceptsOneRejectsTheRestAndTellsEveryone() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let low = try await t.register(.subcontractor)
            let mid = try await t.register(.subcontractor)
            let high = try await t.register(.contractor)
            let invitedOnly = try await t.register(.subcontractor)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(invitedOnly.companyId.uuidString)]] as [String: JSONValue])
            let lowBid = try await t.submitBid(low, on: project, amount: 90_000)
            let midBid = try await t.submitBid(mid, on: project, amount: 100_000)
            let highBid = try await t.submitBid(high, on: project, amount: 120_000)

            let early = try await t.request(
                .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": midBid.uuidString])
            #expect(early.status == .conflict && early.errorCode == "INVALID_TRANSITION")

            try await t.close(owner, project)
            let unknown = try await t.request(
                .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": UUID().uuidString])
            #expect(unknown.status == .notFound)
            let r = try await t.request(
                .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": midBid.uuidString])
            #expect(r.status == .ok)
            #expect(r.json["status"].string == "AWARDED")
            #expect(r.json["awardedBidId"].uuid == midBid)

            let bids = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token).json["data"]
                .array
            let statusById = Dictionary(uniqueKeysWithValues: bids.map { ($0["id"].uuid!, $0["status"].string!) })
            #expect(statusById == [lowBid: "REJECTED", midBid: "ACCEPTED", highBid: "REJECTED"])

            let won = try await t.notifications(mid).first { $0["type"].string == "BID_ACCEPTED" }
            #expect(won?["data"]["bidCount"].int == 3)
            #expect(won?["data"]["projectId"].uuid == project)
            let lostHigh = try #require(try await t.notifications(high).first { $0["type"].string == "BID_REJECTED" })
            #expect(lostHigh["data"]["rank"].int == 3)
            #expect(lostHigh["data"]["bidCount"].int == 3)
            #expect(lostHigh["data"]["aboveWinningPct"].double == 20)
            #expect(lostHigh["data"]["bidId"].uuid == highBid)
            let lostLow = try #require(try await t.notifications(low).first { $0["type"].string == "BID_REJECTED" })
            #expect(lostLow["data"]["rank"].int == 1)
            #expect(lostLow["data"]["aboveWinningPct"].double == -10)
            #expect(try await t.notifications(invitedOnly).contains { $0["type"].string == "PROJECT_AWARDED" })

            let twice = try await t.request(
                .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": lowBid.uuidString])
            #expect(twice.errorCode == "INVALID_TRANSITION")
        }
    }

    @Test func withdrawnBidsCannotWin() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bid = try await t.submitBid(sub, on: project)
            _ = try await t.request(.POST, "/api/v1/bids/\(bid)/withdraw", token: sub.token)
            try await t.close(owner, project)
            let r = try await t.request(
                .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": bid.uuidString])
            #expect(r.errorCode == "INVALID_TRANSITION")
        }
    }
}

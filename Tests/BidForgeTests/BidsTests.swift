import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct BidsTests {
    @Test func submitAndReadBack() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor, company: "Sparky Electric")
            let project = try await t.openProject(owner)
            let r = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                body: [
                    "amountCents": 160_000, "currency": "USD", "notes": "Includes night work",
                    "lineItems": [
                        [
                            "description": "Slab", "trade": "03", "quantity": 10, "unit": "CY",
                            "unitPriceCents": 15_000, "totalCents": 150_000
                        ],
                        [
                            "description": "Paint", "trade": "09", "quantity": 2.5, "unit": "GAL",
                            "unitPriceCents": 4_000, "totalCents": 10_000
                        ]
                    ],
                    "exclusions": ["Permits", "Bonds"], "validUntil": "2027-03-01T00:00:00Z"
                ] as [String: JSONValue])
            #expect(r.status == .created)
            let bid = r.json
            #expect(bid["status"].string == "SUBMITTED" && bid["revision"].int == 1)
            #expect(bid["amountCents"].int == 160_000)
            #expect(bid["lineItems"].array.count == 2)
            #expect(bid["lineItems"][1]["quantity"].double == 2.5)
            #expect(bid["exclusions"].array.compactMap(\.string) == ["Permits", "Bonds"])
            #expect(bid["acknowledgedAddendum"].int == 0)
            #expect(bid["validUntil"].string == "2027-03-01T00:00:00Z")

            let detail = try await t.request(.GET, "/api/v1/projects/\(project)", token: sub.token)
            #expect(detail.json["bidCount"].int == 1)
            let listed = try await t.request(.GET, "/api/v1/projects")
            #expect(listed.json["data"][0]["bidCount"].int == 1)

            let ownerView = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token)
            #expect(ownerView.json["data"][0]["companyName"].string == "Sparky Electric")
            #expect(ownerView.json["data"][0]["amountCents"].int == 160_000)

            let mine = try await t.request(.GET, "/api/v1/bids?mine=true", token: sub.token)
            #expect(mine.json["data"][0]["project"]["title"].string == "Clinic fit-out")
            #expect(mine.json["data"][0]["project"]["status"].string == "OPEN")

            let notes = try await t.notifications(owner)
            #expect(notes.map { $0["type"].string } == ["BID_SUBMITTED"])
            #expect(notes[0]["data"]["bidId"].string == bid["id"].string)
        }
    }

    @Test func lineItemsMustAddUp() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let wrongRow = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                body: [
                    "amountCents": 100,
                    "lineItems": [
                        [
                            "description": "x", "trade": "03", "quantity": 2, "unit": "EA", "unitPriceCents": 40,
                            "totalCents": 100
                        ]
                    ]
                ] as [String: JSONValue])
            #expect(wrongRow.status == .badRequest)
            #expect(wrongRow.json["error"]["details"]["lineItems[0].totalCents"].string != nil)
            let wrongSum = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                body: [
                    "amountCents": 101,
                    "lineItems": [
                        [
                            "description": "x", "trade": "03", "quantity": 2, "unit": "EA", "unitPriceCents": 50,
                            "totalCents": 100
                        ]
                    ]
                ] as [String: JSONValue])
            #expect(wrongSum.json["error"]["details"]["amountCents"].string != nil)
            for amount: Int64 in [0, -5, Money.maxCents + 1] {
                let r = try await t.request(
                    .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                    body: ["amountCents": .int(amount)] as [String: JSONValue])
                #expect(r.status == .badRequest, "amount \(amount)")
            }
            let overflow = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                json: #"{"amountCents": 99999999999999999999999}"#)
            #expect(overflow.status == .badRequest)
            let ack = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token,
                body: ["amountCents": 100, "acknowledgedAddendum": 3] as [String: JSONValue])
            #expect(ack.json["error"]["details"]["acknowledgedAddendum"].string != nil)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token).json["pagination"][
                    "total"
                ].int == 0)
        }
    }

    @Test func biddingRules() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.contractor)
            let sub = try await t.register(.subcontractor)
            let draft = try await t.createProject(owner)
            let project = try await t.openProject(owner, t.projectJSON(dueInDays: 2))

            #expect(try await t.bid(sub, on: draft).status == .notFound)  // drafts are invisible
            let own = try await t.bid(owner, on: project)
            #expect(own.status == .forbidden && own.errorCode == "FORBIDDEN")
            let ownerRole = try await t.register(.owner)
            #expect(try await t.bid(ownerRole, on: project).status == .forbidden)

            #expect(try await t.bid(sub, on: project).status == .created)
            let second = try await t.bid(sub, on: project)
            #expect(second.status == .conflict && second.errorCode == "BID_EXISTS")

            t.clock.advance(by: 2 * 86_400 + 1)
            let late = try await t.bid(try await t.register(.contractor), on: project)
            #expect(late.status == .conflict && late.errorCode == "BIDDING_CLOSED")
        }
    }

    @Test func closedProjectsTakeNoBids() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            try await t.close(owner, project)
            #expect(try await t.bid(sub, on: project).errorCode == "BIDDING_CLOSED")
        }
    }

    @Test func freePlanAllowsTenBidsAMonth() async throws {
        try await TestApp.run { t in
            let sub = try await t.register(.subcontractor)
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            var projects: [UUID] = []
            for _ in 0..<11 { projects.append(try await t.openProject(owner)) }
            for p in projects.prefix(10) { _ = try await t.submitBid(sub, on: p) }
            let eleventh = try await t.bid(sub, on: projects[10])
            #expect(eleventh.status == .paymentRequired)
            #expect(eleventh.json["error"]["details"]["limit"].int == 10)
            #expect(eleventh.json["error"]["details"]["used"].int == 10)
            // A new calendar month starts a new allowance (the clock starts on 26 November).
            t.clock.advance(by: 5 * 86_400)
            #expect(try await t.bid(try await t.relogin(sub), on: projects[10]).status == .created)
        }
    }

    @Test func revisionsKeepHistory() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bidId = try await t.submitBid(sub, on: project, amount: 200_000)
            let revised = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: sub.token, body: t.bidJSON(180_000, trade: "09"))
            #expect(revised.status == .ok)
            #expect(revised.json["revision"].int == 2 && revised.json["amountCents"].int == 180_000)
            // Changing only the amount must still agree with the stored line items.
            let mismatch = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: sub.token, body: ["amountCents": 170_000])
            #expect(mismatch.status == .badRequest)
            let notes = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: sub.token, body: ["notes": "Price held 60 days"])
            #expect(notes.json["revision"].int == 3)

            let history = try await t.request(.GET, "/api/v1/bids/\(bidId)/revisions", token: sub.token)
            #expect(history.json["data"].array.map { $0["revision"].int } == [1, 2, 3])
            #expect(history.json["data"].array.map { $0["amountCents"].int } == [200_000, 180_000, 180_000])
            #expect(history.json["pagination"]["total"].int == 3)
            #expect(try await t.notifications(owner).contains { $0["type"].string == "BID_REVISED" })

            let stranger = try await t.register(.contractor)
            #expect(
                try await t.request(.GET, "/api/v1/bids/\(bidId)/revisions", token: stranger.token).status == .notFound)
            #expect(
                try await t.request(.PATCH, "/api/v1/bids/\(bidId)", token: stranger.token, body: ["notes": "x"]).status
                    == .notFound)
            #expect(
                try await t.request(.PATCH, "/api/v1/bids/\(bidId)", token: owner.token, body: ["notes": "x"]).status
                    == .forbidden)
        }
    }

    @Test func withdrawThenBidAgain() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bidId = try await t.submitBid(sub, on: project)
            let w = try await t.request(.POST, "/api/v1/bids/\(bidId)/withdraw", token: sub.token)
            #expect(w.status == .ok && w.json["status"].string == "WITHDRAWN")
            let again = try await t.request(.POST, "/api/v1/bids/\(bidId)/withdraw", token: sub.token)
            #expect(again.errorCode == "INVALID_TRANSITION")
            let revise = try await t.request(.PATCH, "/api/v1/bids/\(bidId)", token: sub.token, body: ["notes": "x"])
            #expect(revise.errorCode == "INVALID_TRANSITION")
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["bidCount"].int == 0)
            #expect(try await t.bid(sub, on: project).status == .created)
            #expect(try await t.notifications(owner).contains { $0["type"].string == "BID_WITHDRAWN" })
        }
    }

    @Test func sealedBidsHidePricesUntilDue() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor, company: "Quiet Concrete")
            let project = try await t.openProject(owner, t.projectJSON(sealed: true, dueInDays: 3))
            let bidId = try await t.submitBid(sub, on: project, amount: 99_000)

            let before = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token)
            let row = before.json["data"][0]
            #expect(row["companyName"].string == "Quiet Concrete")
            #expect(row["amountCents"].isNull && row["lineItems"].isNull && row["notes"].isNull)
            #expect(row["sealed"].bool == true)
            #expect(before.text.contains("\"amountCents\":null"))
            let history = try await t.request(.GET, "/api/v1/bids/\(bidId)/revisions", token: owner.token)
            #expect(history.json["data"][0]["amountCents"].isNull)
            let leveling = try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: owner.token)
            #expect(leveling.status == .conflict && leveling.errorCode == "BIDS_SEALED")
            // The bidder always sees its own price.
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: sub.token).json["data"][0][
                    "amountCents"
                ].int == 99_000)

            t.clock.advance(by: 3 * 86_400)
            let ownerAgain = try await t.relogin(owner)
            let after = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: ownerAgain.token)
            #expect(after.json["data"][0]["amountCents"].int == 99_000)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: ownerAgain.token).status
                    == .ok)
        }
    }

    @Test func biddersSeeOnlyTheirOwnBids() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let a = try await t.register(.subcontractor)
            let b = try await t.register(.contractor)
            let viewer = try await t.register(.contractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(a, on: project, amount: 100)
            _ = try await t.submitBid(b, on: project, amount: 200)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token).json["data"].array
                    .count == 2)
            let mine = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: a.token).json["data"].array
            #expect(mine.count == 1 && mine[0]["companyId"].uuid == a.companyId)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: viewer.token).json["data"].array
                    .isEmpty)
            #expect(try await t.request(.GET, "/api/v1/bids?mine=false", token: a.token).status == .badRequest)
        }
    }
}

extension BidsTests {
    @Test func bidsCannotChangeAfterTheDueTime() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner, t.projectJSON(dueInDays: 1))
            let bid = try await t.submitBid(sub, on: project)
            t.clock.advance(by: 86_400 + 1)
            let again = try await t.relogin(sub)
            let revise = try await t.request(
                .PATCH, "/api/v1/bids/\(bid)", token: again.token, body: ["notes": "late change"])
            #expect(revise.status == .conflict && revise.errorCode == "BIDDING_CLOSED")
            let withdraw = try await t.request(.POST, "/api/v1/bids/\(bid)/withdraw", token: again.token)
            #expect(withdraw.status == .conflict && withdraw.errorCode == "BIDDING_CLOSED")
            let history = try await t.request(.GET, "/api/v1/bids/\(bid)/revisions", token: again.token)
            #expect(history.json["pagination"]["total"].int == 1)
        }
    }
}

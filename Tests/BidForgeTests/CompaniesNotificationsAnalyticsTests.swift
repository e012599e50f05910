import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct CompaniesTests {
    @Test func profilesShowPlanOnlyToTheirOwnCompany() async throws {
        try await TestApp.run { t in
            let a = try await t.register(.contractor, company: "Alpha", trades: ["03"], states: ["TX", "OK"])
            let b = try await t.register(.owner)
            let own = try await t.request(.GET, "/api/v1/companies/\(a.companyId)", token: a.token)
            #expect(own.json["plan"].string == "FREE")
            #expect(own.json["serviceArea"]["states"].array.compactMap(\.string) == ["TX", "OK"])
            let other = try await t.request(.GET, "/api/v1/companies/\(a.companyId)", token: b.token)
            #expect(other.status == .ok && other.json["plan"].isNull && other.json["name"].string == "Alpha")
            #expect(try await t.request(.GET, "/api/v1/companies/\(UUID())", token: b.token).status == .notFound)
            #expect(try await t.request(.GET, "/api/v1/companies/\(a.companyId)").status == .unauthorized)
        }
    }

    @Test func onlyTheCompanyAdminEdits() async throws {
        try await TestApp.run { t in
            let admin = try await t.register(.contractor)
            let member = try await t.join(admin, role: .contractor)
            let stranger = try await t.register(.contractor)
            let path = "/api/v1/companies/\(admin.companyId)"
            let ok = try await t.request(
                .PATCH, path, token: admin.token,
                body: ["name": "Renamed Co", "trades": ["26"], "serviceArea": ["states": ["NM"]]] as [String: JSONValue]
            )
            #expect(ok.status == .ok && ok.json["name"].string == "Renamed Co" && ok.json["trades"].array.count == 1)
            #expect(try await t.request(.PATCH, path, token: member.token, body: ["name": "Mine"]).status == .forbidden)
            #expect(
                try await t.request(.PATCH, path, token: stranger.token, body: ["name": "Mine"]).status == .forbidden)
            #expect(
                try await t.request(.PATCH, path, token: admin.token, body: ["trades": ["99"]]).status == .badRequest)
        }
    }

    @Test func onlyThePlatformOperatorSetsPlans() async throws {
        try await TestApp.run { t in
            let company = try await t.register(.owner)
            let operatorUser = try await t.platformAdmin()
            let path = "/api/v1/companies/\(company.companyId)/plan"
            let selfUpgrade = try await t.request(.PUT, path, token: company.token, body: ["plan": "ENTERPRISE"])
            #expect(selfUpgrade.status == .forbidden)
            let r = try await t.request(.PUT, path, token: operatorUser.token, body: ["plan": "PRO"])
            #expect(r.status == .ok && r.json["plan"].string == "PRO")
            #expect(
                try await t.request(.PUT, path, token: operatorUser.token, body: ["plan": "GOLD"]).status == .badRequest
            )
            #expect(
                try await t.request(
                    .PUT, "/api/v1/companies/\(UUID())/plan", token: operatorUser.token, body: ["plan": "PRO"]
                ).status == .notFound)
        }
    }

    @Test func tradesArePublic() async throws {
        try await TestApp.run { t in
            let r = try await t.request(.GET, "/api/v1/trades")
            #expect(r.status == .ok)
            #expect(r.json["data"].array.contains { $0["code"].string == "26" && $0["name"].string == "Electrical" })
            #expect(r.json["pagination"]["total"].int == Trades.all.count)
        }
    }
}

@Suite struct NotificationsTests {
    @Test func unreadReadAndReadAll() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .contractor)
            let project = try await t.openProject(owner)
            for _ in 0..<3 { _ = try await t.submitBid(try await t.register(.subcontractor), on: project) }

            // Every user of the company is told.
            #expect(try await t.notifications(colleague).count == 3)
            let list = try await t.request(.GET, "/api/v1/notifications?unread=true", token: owner.token)
            #expect(list.json["pagination"]["total"].int == 3)
            let first = try #require(list.json["data"][0]["id"].uuid)
            #expect(list.json["data"][0]["readAt"].isNull)

            #expect(
                try await t.request(.POST, "/api/v1/notifications/\(first)/read", token: owner.token).status
                    == .noContent)
            #expect(
                try await t.request(.GET, "/api/v1/notifications?unread=true", token: owner.token).json["pagination"][
                    "total"
                ].int == 2)
            // Read state is per user: the colleague still has all three unread.
            #expect(
                try await t.request(.GET, "/api/v1/notifications?unread=true", token: colleague.token).json[
                    "pagination"]["total"].int == 3)
            // Another company's notification is not found, not merely forbidden.
            let outsider = try await t.register(.owner)
            #expect(
                try await t.request(.POST, "/api/v1/notifications/\(first)/read", token: outsider.token).status
                    == .notFound)
            #expect(try await t.notifications(outsider).isEmpty)
            #expect(
                try await t.request(.POST, "/api/v1/notifications/read-all", token: owner.token).status == .noContent)
            #expect(
                try await t.request(.GET, "/api/v1/notifications?unread=true", token: owner.token).json["pagination"][
                    "total"
                ].int == 0)
            #expect(
                try await t.request(.GET, "/api/v1/notifications", token: owner.token).json["pagination"]["total"].int
                    == 3)
            #expect(
                try await t.request(.GET, "/api/v1/notifications?unread=true", token: colleague.token).json[
                    "pagination"]["total"].int == 3)
        }
    }

    @Test func notificationsRollBackWithTheirChange() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(sub, on: project)
            #expect(try await t.bid(sub, on: project).errorCode == "BID_EXISTS")  // refused inside the transaction
            #expect(try await t.notifications(owner).count == 1)
        }
    }
}

@Suite struct AnalyticsTests {
    @Test func companyReport() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let rival = try await t.register(.subcontractor)
            let p1 = try await t.openProject(owner, t.projectJSON(trades: ["03"]))
            let p2 = try await t.openProject(owner, t.projectJSON(trades: ["26"]))
            let mine1 = try await t.submitBid(sub, on: p1, amount: 100_000)
            _ = try await t.submitBid(rival, on: p1, amount: 120_000)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(p2)/bids", token: sub.token, body: t.bidJSON(110_000, trade: "26"))
            let rival2 = try await t.submitBid(rival, on: p2, amount: 100_000)
            t.clock.advance(by: 60)
            let ownerT = try await t.relogin(owner)
            try await t.close(ownerT, p1)
            try await t.close(ownerT, p2)
            t.clock.advance(by: 2 * 3600 - 60)
            let ownerT2 = try await t.relogin(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(p1)/award", token: ownerT2.token, body: ["bidId": mine1.uuidString])
            _ = try await t.request(
                .POST, "/api/v1/projects/\(p2)/award", token: ownerT2.token, body: ["bidId": rival2.uuidString])

            let subT = try await t.relogin(sub)
            let r = try await t.request(.GET, "/api/v1/analytics/company", token: subT.token)
            #expect(r.status == .ok)
            #expect(r.json["bidsSubmitted"].int == 2 && r.json["bidsWon"].int == 1)
            #expect(r.json["winRate"].double == 0.5)
            #expect(r.json["avgDeltaToWinnerPct"].double == 10)
            #expect(r.json["byTrade"].array.map { $0["trade"].string } == ["03", "26"])
            #expect(r.json["byTrade"][0]["bidsWon"].int == 1)

            let o = try await t.request(.GET, "/api/v1/analytics/company", token: ownerT2.token)
            #expect(o.json["projectsPosted"].int == 2)
            #expect(o.json["avgBidsPerProject"].double == 2)
            #expect(o.json["avgHoursToAward"].double == 2)

            let window = try await t.request(
                .GET, "/api/v1/analytics/company?from=2030-01-01T00:00:00Z", token: subT.token)
            #expect(window.json["bidsSubmitted"].int == 0)
            #expect(
                try await t.request(.GET, "/api/v1/analytics/company?from=soon", token: subT.token).status
                    == .badRequest)
            #expect(
                try await t.request(
                    .GET, "/api/v1/analytics/company?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z",
                    token: subT.token
                ).status == .badRequest)
        }
    }
}

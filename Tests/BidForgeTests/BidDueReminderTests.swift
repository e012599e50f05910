import Foundation
import Testing
import Vapor

@testable import BidForge

@Suite struct BidDueReminderTests {
    func reminders(_ t: TestApp, _ member: Member) async throws -> [J] {
        try await t.notifications(member).filter { $0["type"].string == "BID_DUE_SOON" }
    }

    @Test func invitedCompaniesThatHaveNotBidOrDeclinedAreToldOnce() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let pending = try await t.register(.subcontractor)
            let willBid = try await t.register(.subcontractor)
            let declined = try await t.register(.subcontractor)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner, t.projectJSON(dueInDays: 30.0 / 24))
            let invited = [pending, willBid, declined, bidder]
            let answer = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": invited.map(\.companyId.uuidString)])
            #expect(answer.status == .created)
            for (member, response) in [(willBid, "WILL_BID"), (declined, "DECLINED")] {
                let inbox = try await t.request(.GET, "/api/v1/invitations", token: member.token)
                let id = try #require(inbox.json["data"][0]["id"].string)
                _ = try await t.request(
                    .POST, "/api/v1/invitations/\(id)/respond", token: member.token, body: ["response": response])
            }
            _ = try await t.submitBid(bidder, on: project)

            // 30 hours out: too early.
            #expect(try await BidDueReminders.run(t.app, now: t.clock.now) == 0)
            t.clock.advance(by: 7 * 3600)  // 23 hours before bids are due
            #expect(try await BidDueReminders.run(t.app, now: t.clock.now) == 2)
            try await t.app.outbox.drain()
            #expect(try await BidDueReminders.run(t.app, now: t.clock.now.addingTimeInterval(60)) == 0, "once only")
            // Seven hours on, everyone signs in again.
            for member in [pending, willBid] {
                let got = try await reminders(t, try await t.relogin(member))
                #expect(got.count == 1)
                #expect(got.first?["data"]["projectId"].string == project.lowercasedString)
            }
            for member in [declined, bidder, owner] {
                #expect(try await reminders(t, try await t.relogin(member)).isEmpty)
            }
        }
    }

    @Test func severalInstancesRunningTheJobStillSendOnce() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            var invited: [Member] = []
            for _ in 0..<5 { invited.append(try await t.register(.subcontractor)) }
            let project = try await t.openProject(owner, t.projectJSON(dueInDays: 0.5))
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": invited.map(\.companyId.uuidString)])
            let now = t.clock.now
            let app = t.app
            let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await BidDueReminders.run(app, now: now) } }
                return try await group.reduce(0, +)
            }
            #expect(sent == 5)
            try await t.app.outbox.drain()
            for member in invited { #expect(try await reminders(t, member).count == 1) }
        }
    }

    @Test func closedAndPastDueProjectsAreLeftAlone() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let closed = try await t.openProject(owner, t.projectJSON(dueInDays: 0.5))
            _ = try await t.request(
                .POST, "/api/v1/projects/\(closed)/invitations", token: owner.token,
                body: ["companyIds": [sub.companyId.uuidString]])
            try await t.close(owner, closed)
            let late = try await t.openProject(owner, t.projectJSON(dueInDays: 0.5))
            _ = try await t.request(
                .POST, "/api/v1/projects/\(late)/invitations", token: owner.token,
                body: ["companyIds": [sub.companyId.uuidString]])
            #expect(try await BidDueReminders.run(t.app, now: t.clock.now.addingTimeInterval(13 * 3600)) == 0)
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing

@testable import BidForge

/// Notifications are one row per event and company; each user keeps their own read state.
@Suite struct SharedNotificationsTests {
    @Test func anEventWritesOneRowPerCompanyWhateverItsSize() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            var team = [owner]
            for _ in 0..<4 { team.append(try await t.join(owner, role: .contractor)) }
            let project = try await t.openProject(owner)
            let before = try await NotificationModel.query(on: t.app.db).count()
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            #expect(try await NotificationModel.query(on: t.app.db).count() == before + 1)
            for member in team {
                #expect(try await t.notifications(member).filter { $0["type"].string == "BID_SUBMITTED" }.count == 1)
            }
        }
    }

    @Test func someoneWhoJoinsLaterSeesTheHistoryReadAndNewsUnread() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            t.clock.advance(by: 60)
            let newcomer = try await t.join(owner, role: .contractor)
            let history = try await t.notifications(newcomer)
            #expect(history.count == 1)
            #expect(!history[0]["readAt"].isNull, "what happened before they joined is not news to them")
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            let unread = try await t.request(.GET, "/api/v1/notifications?unread=true", token: newcomer.token)
            #expect(unread.json["pagination"]["total"].int == 1)
            #expect(
                try await t.request(.GET, "/api/v1/notifications?unread=true", token: owner.token).json["pagination"][
                    "total"
                ].int == 2)
        }
    }

    /// The migration folds per-user copies into one row per company and back, keeping what each user sees.
    @Test func theMigrationKeepsEveryUsersListAndReadState() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .contractor)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [bidder.companyId.uuidString]])
            for _ in 0..<3 { _ = try await t.submitBid(try await t.register(.subcontractor), on: project) }
            t.clock.advance(by: 5)
            let first = try #require(try await t.notifications(owner).first?["id"].uuid)
            _ = try await t.request(.POST, "/api/v1/notifications/\(first)/read", token: owner.token)
            _ = try await t.request(.POST, "/api/v1/notifications/read-all", token: colleague.token)
            t.clock.advance(by: 5)
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            let members = [owner, colleague, bidder]

            func views() async throws -> [[String]] {
                var all: [[String]] = []
                for member in members {
                    all.append(
                        try await t.notifications(member).map {
                            "\($0["type"].string ?? "") \($0["title"].string ?? "") \($0["createdAt"].string ?? "") "
                                + ($0["readAt"].string ?? "unread")
                        }.sorted())  // ids change, and with them the order of notifications made at one instant
                }
                return all
            }
            let before = try await views()
            let rows = try await NotificationModel.query(on: t.app.db).count()
            #expect(before[0].count == 4 && before[1].count == 4 && before[2].count == 1)
            #expect(before[0].filter { $0.hasSuffix("unread") }.count == 3)
            #expect(before[1].filter { $0.hasSuffix("unread") }.count == 1)

            try await M020_ShareNotificationsPerCompany().revert(on: t.app.db)
            let perUser = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM notifications").first()?
                .decode(column: "n", as: Int.self)
            #expect(perUser == 4 * 2 + 1, "one copy per user")
            try await M020_ShareNotificationsPerCompany().prepare(on: t.app.db)

            #expect(try await NotificationModel.query(on: t.app.db).count() == rows)
            #expect(try await views() == before)
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing

@testable import BidForge

/// `bidforge archive`'s work (PostgreSQL): finished projects move with everything of theirs, the counts across live and
/// archive hold, live projects stay, and an archived project stays readable by the companies it concerned only.
@Suite(.enabled(if: TestDatabase.isPostgres, "the archive tables are PostgreSQL's"))
struct ProjectArchiveTests {
    static let tables = ProjectArchive.tables.map(\.table)

    /// Dates `project`'s last change three years back and runs `archive --older-than 2y`: how many projects it moved.
    static func archiveAsFinishedLongAgo(_ project: UUID, _ t: TestApp) async throws -> Int {
        try await t.app.db.sql.raw(
            "UPDATE projects SET updated_at = now() - interval '3 years' WHERE id = \(bind: project)"
        ).run()
        let cutoff = try #require(ProjectArchive.cutoff("2y", now: Date()))
        return try await ProjectArchive.run(before: cutoff, batchSize: 10, on: t.app.db).projects
    }

    static func totals(on sql: any SQLDatabase) async throws -> [String: Int] {
        var totals: [String: Int] = [:]
        for table in tables {
            let live =
                try await sql.raw("SELECT count(*) AS n FROM \(ident: table)").first()?.decode(
                    column: "n", as: Int.self) ?? 0
            let archived =
                try await sql.raw("SELECT count(*) AS n FROM \(ident: "archived_" + table)").first()?
                .decode(column: "n", as: Int.self) ?? 0
            totals[table] = live + archived
        }
        return totals
    }

    @Test func finishedProjectsMoveWithEverythingAndStayReadableByTheirCompanies() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let winner = try await t.register(.subcontractor)
            let loser = try await t.register(.subcontractor)
            let stranger = try await t.register(.subcontractor)
            // A finished project: bids, a revision, a question, an award.
            let done = try await t.openProject(owner)
            let winning = try await t.submitBid(winner, on: done, amount: 100_000)
            _ = try await t.submitBid(loser, on: done, amount: 120_000)
            let revised = try await t.request(
                .PATCH, "/api/v1/bids/\(winning)", token: winner.token, body: ["notes": "Includes cleanup"])
            #expect(revised.status == .ok, "\(revised.text)")
            let asked = try await t.request(
                .POST, "/api/v1/projects/\(done)/questions", token: loser.token, body: ["body": "Site access?"])
            #expect(asked.status == .created, "\(asked.text)")
            try await t.close(owner, done)
            let awarded = try await t.request(
                .POST, "/api/v1/projects/\(done)/award", token: owner.token, body: ["bidId": winning.uuidString])
            #expect(awarded.status == .ok, "\(awarded.text)")
            // A live project with a bid of its own, which must not move.
            let live = try await t.openProject(owner)
            _ = try await t.submitBid(winner, on: live)

            let sql = t.app.db.sql
            try await sql.raw(
                "UPDATE projects SET updated_at = now() - interval '3 years' WHERE id = \(bind: done)"
            ).run()
            let before = try await Self.totals(on: sql)
            let cutoff = try #require(ProjectArchive.cutoff("2y", now: Date()))
            let preview = try await ProjectArchive.preview(before: cutoff, on: t.app.db)
            #expect(preview.projects == 1 && preview.bids == 2)
            let report = try await ProjectArchive.run(before: cutoff, batchSize: 1, on: t.app.db)
            #expect(report.projects == 1 && report.bids == 2 && report.rows["bid_revisions"] == 3, "\(report.rows)")
            #expect(report.rows["questions"] == 1)
            #expect(try await Self.totals(on: sql) == before, "rows before = rows after, across live and archive")
            // A second run finds nothing more.
            #expect(try await ProjectArchive.run(before: cutoff, batchSize: 1, on: t.app.db).projects == 0)
            let keys = try await sql.raw(
                "SELECT count(*) AS n FROM bid_keys WHERE project_id = \(bind: done)"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(keys == 0, "the archived bids' keys went with them")
            #expect(try await ProjectModel.find(live, on: t.app.db) != nil)

            // Readable by its owner and its bidders through the same routes; 404 to anyone else; out of listings.
            for member in [owner, winner, loser] {
                let shown = try await t.request(.GET, "/api/v1/projects/\(done)", token: member.token)
                #expect(shown.status == .ok && shown.json["status"].string == "AWARDED", "\(shown.text)")
                #expect(shown.json["bidCount"].int == 2)
            }
            #expect(try await t.request(.GET, "/api/v1/projects/\(done)", token: stranger.token).status == .notFound)
            #expect(try await t.request(.GET, "/api/v1/projects/\(done)").status == .notFound)
            let ownersView = try await t.request(.GET, "/api/v1/projects/\(done)/bids", token: owner.token)
            #expect(ownersView.json["data"].array.count == 2, "\(ownersView.text)")
            #expect(
                ownersView.json["data"].array.compactMap { $0["status"].string }.sorted() == ["ACCEPTED", "REJECTED"])
            let winnersView = try await t.request(.GET, "/api/v1/projects/\(done)/bids", token: winner.token)
            #expect(winnersView.json["data"].array.map { $0["id"].string } == [winning.uuidString.lowercased()])
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(done)/bids", token: stranger.token).status == .notFound)
            // A bid's history too: its company and the project's owner, nobody else (not the other bidder).
            for member in [owner, winner] {
                let history = try await t.request(.GET, "/api/v1/bids/\(winning)/revisions", token: member.token)
                #expect(history.json["data"].array.compactMap { $0["revision"].int } == [1, 2], "\(history.text)")
                #expect(history.json["pagination"]["total"].int == 2)
            }
            for outsider in [loser, stranger] {
                let refused = try await t.request(.GET, "/api/v1/bids/\(winning)/revisions", token: outsider.token)
                #expect(refused.status == .notFound)
            }
            let listing = try await t.request(.GET, "/api/v1/projects?status=AWARDED", token: owner.token)
            #expect(!listing.text.contains(done.uuidString.lowercased()))
        }
    }

    /// A draft cancelled before it was published is archived like any cancelled project and stays its owner's alone:
    /// a company invited while it was a draft does not gain it from the archive.
    @Test func aCancelledDraftStaysItsOwnersInTheArchive() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let invitee = try await t.register(.subcontractor)
            let draft = try await t.createProject(owner)
            try await t.invite(invitee, to: draft, by: owner)
            #expect(try await t.request(.POST, "/api/v1/projects/\(draft)/cancel", token: owner.token).status == .ok)
            #expect(try await Self.archiveAsFinishedLongAgo(draft, t) == 1)
            let owners = try await t.request(.GET, "/api/v1/projects/\(draft)", token: owner.token)
            #expect(owners.status == .ok, "\(owners.text)")
            let invitees = try await t.request(.GET, "/api/v1/projects/\(draft)", token: invitee.token)
            #expect(invitees.status == .notFound, "\(invitees.text)")
        }
    }

    /// A sealed project closed and cancelled before its due time never showed its owner a price; archiving it must not.
    @Test func aSealedProjectsPricesStayHiddenFromItsOwnerInTheArchive() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let sealed = try await t.openProject(owner, t.projectJSON(sealed: true, dueInDays: 30))
            let bid = try await t.submitBid(bidder, on: sealed, amount: 444_400)
            try await t.close(owner, sealed)
            let cancelled = try await t.request(.POST, "/api/v1/projects/\(sealed)/cancel", token: owner.token)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(try await Self.archiveAsFinishedLongAgo(sealed, t) == 1)

            let ownersView = try await t.request(.GET, "/api/v1/projects/\(sealed)/bids", token: owner.token)
            let shown = ownersView.json["data"][0]
            #expect(shown["id"].string == bid.uuidString.lowercased(), "\(ownersView.text)")
            #expect(shown["amountCents"].int == nil && shown["notes"].string == nil, "\(ownersView.text)")
            let history = try await t.request(.GET, "/api/v1/bids/\(bid)/revisions", token: owner.token)
            #expect(history.json["data"][0]["amountCents"].int == nil, "\(history.text)")
            let biddersView = try await t.request(.GET, "/api/v1/projects/\(sealed)/bids", token: bidder.token)
            #expect(biddersView.json["data"][0]["amountCents"].int == 444_400, "its own price, as when live")
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// The listing against a brute-force filter over every project in memory, on a seeded dataset, after the trade set
/// was rebuilt from the display column by the migration (down, then up, with the data in place): same ids, same
/// order, same totals, for random filters.
@Suite struct ListingPropertyTests {
    struct Brute {
        let id: UUID
        let status: ProjectStatus
        let visibility: ProjectVisibility
        let trades: Set<String>
        let state: String
        let min: Int64?
        let max: Int64?
        let createdAt: Date
        let bidDueAt: Date
    }

    /// PostgreSQL and SQLite order UUIDs by their bytes.
    static func byteOrder(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in withUnsafeBytes(of: b.uuid) { y in x.lexicographicallyPrecedes(y) } }
    }

    @Test func randomFiltersMatchABruteForceFilterAfterTheMigrationRebuiltTheTradeSet() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            _ = try await SeedTests.seed(t, seed: 7, companies: 30, projects: 400, bids: 3)
            let before = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM project_trades").first()?
                .decode(column: "n", as: Int.self)
            // On one connection: SQLite's in-memory test database shares its cache between connections, and a schema
            // rewrite (DROP COLUMN) seen from another connection mid-sequence made the next ADD COLUMN fail now and then.
            try await t.app.db.withConnection { db in
                try await M023_AddProjectCreatedAtToProjectTrades().revert(on: db)
                try await M022_AddOpenPublicStateToProjectTrades().revert(on: db)
                try await M018_AddProjectTrades().revert(on: db)
                try await M018_AddProjectTrades().prepare(on: db)
                try await M022_AddOpenPublicStateToProjectTrades().prepare(on: db)
                try await M023_AddProjectCreatedAtToProjectTrades().prepare(on: db)
            }
            let after = try await t.app.db.sql.raw("SELECT COUNT(*) AS n FROM project_trades").first()?
                .decode(column: "n", as: Int.self)
            #expect(
                before == after && (after ?? 0) > 400,
                "the migration rebuilds the same set: \(before ?? 0) → \(after ?? 0)")

            let all = try await ProjectModel.query(on: t.app.db).all().map { p in
                Brute(
                    id: try p.requireID(), status: p.status, visibility: p.visibility, trades: Set(p.trades),
                    state: p.state,
                    min: p.budgetMinCents, max: p.budgetMaxCents, createdAt: p.createdAt, bidDueAt: p.bidDueAt)
            }
            var random = SeededRandom(seed: 99)
            let trades = Array(Set(all.flatMap(\.trades))).sorted()
            let states = Array(Set(all.map(\.state))).sorted()
            for round in 0..<60 {
                var raw = ProjectFilter.Raw()
                if random.chance(0.6) { raw.trade = random.pick(trades) }
                if random.chance(0.3) { raw.state = random.pick(states) }
                if random.chance(0.3) { raw.status = random.pick(["OPEN", "CLOSED", "AWARDED"]) }
                if random.chance(0.2) { raw.minBudgetCents = Int64(random.int(1...40)) * 5_000_000 }
                if random.chance(0.2) { raw.maxBudgetCents = Int64(random.int(1...40)) * 5_000_000 }
                raw.sort = random.pick(["createdAt", "-createdAt", "bidDueAt"])
                let limit = random.pick([5, 20, 50])
                let page = random.int(1...3)
                let filter = try ProjectFilter(raw, paging: try Paging(page: page, limit: limit))

                let expected = all.filter { p in
                    p.status != .draft && p.visibility == .public
                        && (raw.status.map { p.status.rawValue == $0 } ?? (p.status == .open))
                        && (raw.trade.map { p.trades.contains($0) } ?? true)
                        && (raw.state.map { p.state == $0 } ?? true)
                        && (raw.minBudgetCents.map { min in (p.max ?? p.min).map { $0 >= min } ?? false } ?? true)
                        && (raw.maxBudgetCents.map { max in (p.min ?? p.max).map { $0 <= max } ?? false } ?? true)
                }.sorted { a, b in
                    switch filter.sort {
                    case .createdAtDesc:
                        a.createdAt != b.createdAt ? a.createdAt > b.createdAt : Self.byteOrder(b.id, a.id)
                    case .createdAtAsc:
                        a.createdAt != b.createdAt ? a.createdAt < b.createdAt : Self.byteOrder(a.id, b.id)
                    case .bidDueAt: a.bidDueAt != b.bidDueAt ? a.bidDueAt < b.bidDueAt : Self.byteOrder(a.id, b.id)
                    }
                }
                let listing = try await ProjectQueries.list(filter, caller: nil, on: t.app.db)
                let expectedPage = expected.dropFirst((page - 1) * limit).prefix(limit).map(\.id)
                #expect(listing.rows.map(\.id) == Array(expectedPage), "round \(round): \(raw)")
                #expect(listing.total == expected.count && !listing.totalIsEstimate, "round \(round): \(raw)")
                #expect(listing.hasMore == (expected.count > page * limit), "round \(round): \(raw)")
                // The keyset page after it, from the cursor this page gives out.
                if let cursor = ListingCursor.after(listing.rows.last, filter: filter, hasMore: listing.hasMore) {
                    var next = raw
                    next.cursor = cursor.text
                    let nextFilter = try ProjectFilter(next, paging: try Paging(page: nil, limit: limit))
                    let nextListing = try await ProjectQueries.list(nextFilter, caller: nil, on: t.app.db)
                    let expectedNext = expected.dropFirst(page * limit).prefix(limit).map(\.id)
                    #expect(
                        nextListing.rows.map(\.id) == Array(expectedNext),
                        "round \(round), after the cursor: \(raw)")
                }
            }
        }
    }

    /// The trade rows' copy of the listing columns follows every change of status, visibility, state and trades, so
    /// the count read from them agrees with the projects.
    @Test func tradeCountsFollowEveryChangeOfTheProject() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner, t.projectJSON(trades: ["26"], state: "TX"))
            func total(_ query: String) async throws -> Int? {
                try await t.request(.GET, "/api/v1/projects?\(query)").json["pagination"]["total"].int
            }
            func patch(_ body: [String: JSONValue]) async throws {
                let r = try await t.request(.PATCH, "/api/v1/projects/\(project)", token: owner.token, body: body)
                try #require(r.status == .ok, "\(body): \(r.text)")
            }
            #expect(try await total("trade=26") == 0, "a draft is not listed")
            try await patch(["visibility": "INVITE_ONLY"])
            try await patch(["visibility": "PUBLIC"])
            let published = try await t.request(.POST, "/api/v1/projects/\(project)/publish", token: owner.token)
            try #require(published.status == .ok)
            #expect(try await total("trade=26&state=TX") == 1)
            #expect(try await total("trade=26") == 1)
            _ = try await t.openProject(owner, t.projectJSON(trades: ["26"], state: "TX", visibility: "INVITE_ONLY"))
            #expect(try await total("trade=26") == 1, "an invite-only project is not listed")
            try await patch(["location": ["city": "Fresno", "state": "CA", "postalCode": "93650"]])
            #expect(try await total("trade=26&state=TX") == 0)
            #expect(try await total("trade=26&state=CA") == 1)
            try await patch(["trades": ["03"]])
            #expect(try await total("trade=26") == 0)
            #expect(try await total("trade=03&state=CA") == 1)
            try await t.close(owner, project)
            #expect(try await total("trade=03") == 0)
            #expect(try await total("trade=03&status=CLOSED") == 1)
        }
    }

    /// The trade page reads its ids from the trade rows' copy, but the project row decides: a copy out of step (here
    /// forced by hand on a draft and on an invite-only project) never shows a project the caller may not see.
    @Test func aTradeRowOutOfStepNeverShowsAHiddenProject() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            let owner = try await t.register(.owner)
            let draft = try await t.createProject(owner, t.projectJSON(trades: ["26"], state: "TX"))
            let invited = try await t.openProject(
                owner, t.projectJSON(trades: ["26"], state: "TX", visibility: "INVITE_ONLY"))
            let listed = try await t.openProject(owner, t.projectJSON(trades: ["26"], state: "TX"))
            try await t.app.db.sql.raw("UPDATE project_trades SET open_public_state = 'TX' WHERE trade = '26'").run()
            for query in ["trade=26", "trade=26&state=TX", "trade=26&sort=createdAt"] {
                let page = try await t.request(.GET, "/api/v1/projects?\(query)")
                let ids = page.json["data"].array.compactMap { $0["id"].string }
                #expect(ids == [listed.uuidString.lowercased()], "\(query): \(ids)")
                #expect(!ids.contains(draft.uuidString.lowercased()) && !ids.contains(invited.uuidString.lowercased()))
            }
        }
    }
}

import BidForgeCore
import Fluent
import Foundation
import SQLKit
import Testing

@testable import BidForge

/// Bids partitioned by year (PostgreSQL): the years exist ahead, the rules that span every year still hold, reads of
/// one project's bids skip the years before it, and the migration carries existing bids over.
@Suite(.enabled(if: TestDatabase.isPostgres, "bids are partitioned on PostgreSQL only"))
struct BidPartitionTests {
    static func explain(_ statement: SQLQueryString, on sql: any SQLDatabase) async throws -> String {
        try await sql.raw("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + statement).all()
            .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
    }

    /// A bid row written straight to the table, `created_at` in the given year.
    static func insertBid(
        id: UUID = UUID(), project: UUID, company: UUID, user: UUID, year: Int, status: String = "SUBMITTED",
        on sql: any SQLDatabase
    ) async throws {
        try await sql.raw(
            """
            INSERT INTO bids (id, project_id, company_id, submitted_by, status, amount_cents, currency, notes, line_items, \
            exclusions, acknowledged_addendum, revision, created_at, updated_at) VALUES (\(bind: id), \(bind: project), \
            \(bind: company), \(bind: user), \(bind: status), 100, 'USD', '', '[]', '[]', 0, 1, \
            \(unsafeRaw: "'\(year)-06-01 00:00:00+00'"), now())
            """
        ).run()
    }

    static func expectUniqueViolation(_ body: () async throws -> Void) async throws {
        do {
            try await body()
            Issue.record("the statement was accepted")
        } catch {
            #expect(DatabaseErrors.isUniqueViolation(error), "\(String(reflecting: error))")
        }
    }

    @Test func yearsExistAheadAndMaintenanceAddsTheMissingOnes() async throws {
        try await TestApp.run { t in
            let sql = t.app.db.sql
            let thisYear = YearlyPartitions.year(of: Date())
            let years = try await YearlyPartitions.years("bids", on: sql)
            #expect(Set(thisYear...(thisYear + BidPartitions.yearsAhead)).isSubset(of: Set(years)), "\(years)")
            let strategy = try await sql.raw(
                "SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'bids'::regclass"
            ).first()?.decode(column: "partstrat", as: String.self)
            #expect(strategy == "r")
            // Ten years on, maintenance makes that year and the ones after it; a second run makes nothing.
            let later = Date().addingTimeInterval(10 * 365.25 * 86_400)
            let created = try await BidPartitions.ensureAhead(now: later, on: t.app.db)
            let laterYear = YearlyPartitions.year(of: later)
            #expect(created == (laterYear...(laterYear + 2)).map { "bids_y\($0)" })
            #expect(try await BidPartitions.ensureAhead(now: later, on: t.app.db).isEmpty)
        }
    }

    @Test func aCompanysOneLiveBidAndABidsIdHoldAcrossYears() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let sql = t.app.db.sql
            let year = YearlyPartitions.year(of: Date())
            try await Self.insertBid(
                project: project, company: bidder.companyId, user: bidder.userId, year: year, on: sql)
            // A second live bid of the same company on the same project, a year later, in another partition: refused
            // by the unique index on the keys (the same violation the API turns into BID_EXISTS).
            try await Self.expectUniqueViolation {
                try await Self.insertBid(
                    project: project, company: bidder.companyId, user: bidder.userId, year: year + 1, on: sql)
            }
            // The same id in another year: refused too.
            let id = UUID()
            try await Self.insertBid(
                id: id, project: project, company: bidder.companyId, user: bidder.userId, year: year,
                status: "WITHDRAWN", on: sql)
            try await Self.expectUniqueViolation {
                try await Self.insertBid(
                    id: id, project: project, company: owner.companyId, user: owner.userId, year: year + 1,
                    status: "WITHDRAWN", on: sql)
            }
            // Through the API the refusal is still the one-live-bid conflict.
            let again = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: bidder.token, body: t.bidJSON(1_000_000))
            #expect(again.status == .conflict && again.json["error"]["code"].string == "BID_EXISTS", "\(again.text)")
            // Withdrawing frees the slot, in every year.
            try await sql.raw("UPDATE bids SET status = 'WITHDRAWN' WHERE project_id = \(bind: project)").run()
            try await Self.insertBid(
                project: project, company: bidder.companyId, user: bidder.userId, year: year + 1, on: sql)
            let live = try await sql.raw(
                "SELECT count(*) AS n FROM bid_keys WHERE project_id = \(bind: project) AND live"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(live == 1)
        }
    }

    @Test func oneProjectsBidsAreReadFromItsYearsOnly() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(bidder, on: project)
            let sql = t.app.db.sql
            let thisYear = YearlyPartitions.year(of: Date())
            try await YearlyPartitions.ensure("bids", years: (thisYear - 2)...thisYear, on: sql)
            let model = try #require(try await ProjectModel.find(project, on: t.app.db))
            // The owner's list of the project's bids, as the API reads it.
            let listing = try await Self.explain(
                "SELECT * FROM bids WHERE project_id = \(bind: project) AND created_at >= \(bind: model.createdAt)",
                on: sql)
            #expect(listing.contains("bids_y\(thisYear)"), "\(listing)")
            #expect(
                !listing.contains("bids_y\(thisYear - 1)") && !listing.contains("bids_y\(thisYear - 2)"), "\(listing)")
            // Listings and cards count bids from their keys: no year of bids is read at all.
            let filter = try ProjectFilter(.init(), paging: Paging(page: 1, limit: 20))
            let page = try ProjectQueries.listStatements(filter, caller: nil, on: sql).page
            let counted = try await Self.explain(page, on: sql)
            #expect(counted.contains("bid_keys_counted_idx") && !counted.contains("bids_y"), "\(counted)")
            // The leveling sheet reads the project's years only.
            let sheet = try await Self.explain(
                """
                SELECT b.* FROM bids b WHERE b.project_id = \(bind: project) AND b.created_at >= \(bind: model.createdAt) \
                AND b.status <> 'WITHDRAWN' ORDER BY b.created_at, b.id
                """, on: sql)
            #expect(!sheet.contains("bids_y\(thisYear - 1)") && !sheet.contains("bids_y\(thisYear - 2)"), "\(sheet)")
            // And the API still counts the bid, and stops counting it once withdrawn.
            let shown = try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token)
            #expect(shown.json["bidCount"].int == 1)
            try await sql.raw("UPDATE bids SET status = 'WITHDRAWN' WHERE project_id = \(bind: project)").run()
            let stillCounted = try await sql.raw(
                "SELECT count(*) AS n FROM bid_keys WHERE project_id = \(bind: project) AND counted"
            ).first()?.decode(column: "n", as: Int.self)
            #expect(stillCounted == 0)
        }
    }

    /// One `DELETE FROM bids` removes exactly its bids' keys, across years: by M028's statement trigger, and by the
    /// row trigger its revert puts back.
    @Test func deletingBidsRemovesExactlyTheirKeysBeforeAndAfterM028sRevert() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let db = t.app.db, sql = db.sql
            let thisYear = YearlyPartitions.year(of: Date())
            func keysLeft(_ ids: [UUID]) async throws -> Int {
                try await sql.raw("SELECT count(*) AS n FROM bid_keys WHERE id = ANY(\(bind: ids))").first()?
                    .decode(column: "n", as: Int.self) ?? -1
            }
            try await YearlyPartitions.ensure("bids", years: (thisYear - 2)...thisYear, on: sql)
            for reverted in [false, true] {
                if reverted { try await M028_DeleteBidKeysPerStatement().revert(on: db) }
                let ids = [UUID(), UUID(), UUID()]
                for (index, id) in ids.enumerated() {
                    try await Self.insertBid(
                        id: id, project: project, company: owner.companyId, user: owner.userId,
                        year: thisYear - index, status: "WITHDRAWN", on: sql)
                }
                try await sql.raw("DELETE FROM bids WHERE id = ANY(\(bind: Array(ids.prefix(2))))").run()
                #expect(try await keysLeft(Array(ids.prefix(2))) == 0, "reverted: \(reverted)")
                #expect(try await keysLeft([ids[2]]) == 1, "reverted: \(reverted)")
            }
            try await M028_DeleteBidKeysPerStatement().prepare(on: db)
        }
    }

    /// Without `bids.id → bid_keys(id)` (M029) the triggers alone keep every bid's key: placed, revised, withdrawn and
    /// deleted through the API and by hand, bids and keys still match one to one, field for field.
    @Test func theTriggersAloneKeepEveryBidsKeyAfterM029() async throws {
        try await TestApp.run { t in
            let db = t.app.db, sql = db.sql
            func foreignKeyExists() async throws -> Bool {
                try await sql.raw("SELECT 1 AS found FROM pg_constraint WHERE conname = 'bids_id_key_fkey'").first()
                    != nil
            }
            #expect(try await foreignKeyExists() == false)
            let owner = try await t.register(.owner)
            let first = try await t.register(.subcontractor)
            let second = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let kept = try await t.submitBid(first, on: project)
            let withdrawn = try await t.submitBid(second, on: project)
            let revised = try await t.request(
                .PATCH, "/api/v1/bids/\(kept)", token: first.token, body: t.bidJSON(1_400_000))
            #expect(revised.status == .ok, "\(revised.text)")
            let withdrawal = try await t.request(.POST, "/api/v1/bids/\(withdrawn)/withdraw", token: second.token)
            #expect(withdrawal.status == .ok, "\(withdrawal.text)")
            let gone = UUID()
            try await Self.insertBid(
                id: gone, project: project, company: owner.companyId, user: owner.userId,
                year: YearlyPartitions.year(of: Date()), status: "WITHDRAWN", on: sql)
            try await sql.raw("DELETE FROM bids WHERE id = \(bind: gone)").run()
            let mismatched = try await sql.raw(
                """
                SELECT count(*) AS n FROM bids b FULL JOIN bid_keys k ON k.id = b.id \
                WHERE b.id IS NULL OR k.id IS NULL OR k.project_id <> b.project_id OR k.company_id <> b.company_id \
                OR k.live <> (b.status = 'SUBMITTED') OR k.counted <> (b.status <> 'WITHDRAWN')
                """
            ).first()?.decode(column: "n", as: Int.self)
            let keys = try await sql.raw("SELECT count(*) AS n FROM bid_keys").first()?.decode(
                column: "n", as: Int.self)
            #expect(
                mismatched == 0 && keys == 2,
                "mismatched \(String(describing: mismatched)), keys \(String(describing: keys))")
            // A bid's id still cannot change under its key.
            do {
                try await sql.raw("UPDATE bids SET id = \(bind: UUID()) WHERE id = \(bind: kept)").run()
                Issue.record("a bid's id changed")
            } catch {}
            try await M029_BidKeysWithoutForeignKeyFromBids().revert(on: db)
            #expect(try await foreignKeyExists())
            try await M029_BidKeysWithoutForeignKeyFromBids().prepare(on: db)
            #expect(try await foreignKeyExists() == false)
        }
    }

    @Test func theMigrationCarriesExistingBidsIntoTheirYears() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bid = try await t.submitBid(bidder, on: project)
            let db = t.app.db, sql = db.sql
            try await M025_PartitionBidsByYear().revert(on: db)
            let thisYear = YearlyPartitions.year(of: Date())
            try await Self.insertBid(
                project: project, company: owner.companyId, user: owner.userId, year: thisYear - 3,
                status: "WITHDRAWN", on: sql)
            let before = try await sql.raw("SELECT count(*) AS n, sum(amount_cents)::bigint AS s FROM bids").first()
            try await M025_PartitionBidsByYear().prepare(on: db)
            let after = try await sql.raw("SELECT count(*) AS n, sum(amount_cents)::bigint AS s FROM bids").first()
            #expect(try before?.decode(column: "n", as: Int.self) == after?.decode(column: "n", as: Int.self))
            #expect(try before?.decode(column: "s", as: Int.self) == after?.decode(column: "s", as: Int.self))
            let years = try await YearlyPartitions.years("bids", on: sql)
            #expect(years.first == thisYear - 3 && years.last == thisYear + BidPartitions.yearsAhead, "\(years)")
            let placed = try await sql.raw(
                "SELECT tableoid::regclass::text AS part FROM bids WHERE id = \(bind: bid)"
            ).first()?.decode(column: "part", as: String.self)
            #expect(placed == "bids_y\(thisYear)")
            // The bid's revisions still point at their bid, and the API still reads it.
            let mine = try await t.request(.GET, "/api/v1/bids?mine=true", token: bidder.token)
            #expect(mine.json["data"].array.count == 1, "\(mine.text)")
        }
    }
}

import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// The scaling plan's indexes exist on PostgreSQL and the listing really uses them.
@Suite struct PostgresIndexTests {
    @Test(.enabled(if: TestDatabase.isPostgres, "needs PostgreSQL"))
    func defaultListingUsesIndexesOnTwentyThousandProjects() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let sql = t.app.db.sql
            try await sql.raw(
                """
                INSERT INTO projects (id, company_id, created_by, title, description, status, visibility, sealed, trades, city, state,
                  postal_code, country, bid_due_at, addendum_count, created_at, updated_at)
                SELECT gen_random_uuid(), \(bind: owner.companyId), \(bind: owner.userId), 'Project ' || g, 'Scope of work ' || g,
                  (ARRAY['DRAFT','OPEN','CLOSED','AWARDED','CANCELLED'])[1 + g % 5], CASE WHEN g % 7 = 0 THEN 'INVITE_ONLY' ELSE 'PUBLIC' END,
                  false, ',03,', 'Austin', 'TX', '78701', 'US', now() + interval '7 days', 0, now() - g * interval '1 minute', now()
                FROM generate_series(1, 20000) g
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO bids (id, project_id, company_id, submitted_by, status, amount_cents, currency, notes, line_items,
                  exclusions, acknowledged_addendum, revision, created_at, updated_at)
                SELECT gen_random_uuid(), p.id, \(bind: bidder.companyId), \(bind: bidder.userId), 'REJECTED', 100000, 'USD', '', '[]', '[]', 0, 1, now(), now()
                FROM projects p
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO invitations (id, project_id, company_id, owner_company_id, status, created_at)
                SELECT gen_random_uuid(), p.id, \(bind: bidder.companyId), p.company_id, 'PENDING', now()
                FROM projects p WHERE p.visibility = 'INVITE_ONLY'
                """
            ).run()
            // Every project works in 03; one in 200 also in 26 (a rare trade).
            try await sql.raw(
                """
                INSERT INTO project_trades (trade, project_id, open_public_state, project_created_at)
                SELECT t.trade, p.id, CASE WHEN p.status = 'OPEN' AND p.visibility = 'PUBLIC' THEN p.state END,
                  p.created_at
                FROM projects p, (VALUES ('03'), ('26')) AS t(trade)
                WHERE t.trade = '03' OR hashtext(p.id::text) % 200 = 0
                """
            ).run()
            // As autovacuum would leave a table this size: statistics, and the visibility map index-only scans need.
            try await sql.raw("VACUUM ANALYZE").run()

            let filter = try ProjectFilter(.init(), paging: Paging(page: 1, limit: 20))
            for caller in [nil, Caller(userId: bidder.userId, companyId: bidder.companyId, role: .subcontractor)] {
                let statement = try ProjectQueries.listStatements(filter, caller: caller, on: sql).page
                let plan = try await sql.raw("EXPLAIN " + statement).all()
                    .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Index Scan using projects_status_created_at_idx on projects"), "\(plan)")
                // Each card's bid count comes from the bids' keys (one unpartitioned partial index), no year of bids.
                #expect(plan.contains("bid_keys_counted_idx") && !plan.contains("bids_y"), "\(plan)")
                #expect(
                    !Self.sequentialScans(plan).contains("projects"),
                    "sequential scan of projects in the default listing:\n\(plan)")
                #expect(
                    !Self.sequentialScans(plan).contains { $0.hasPrefix("bids") },
                    "sequential scan of bids in the default listing:\n\(plan)")
            }

            let search = try ProjectFilter(.init(q: "scope"), paging: Paging(page: 1, limit: 20))
            let searchPlan = try await sql.raw(
                "EXPLAIN " + (try ProjectQueries.listStatements(search, caller: nil, on: sql).page)
            ).all()
                .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            #expect(
                searchPlan.contains("projects_search_idx") || searchPlan.contains("projects_status_created_at_idx"),
                "\(searchPlan)")

            // Trade filters, common and rare, with or without a state: the page walks the trade rows' index in order
            // and reads only its projects by key; the count reads the trade rows alone. No sequential scan.
            for trade in ["03", "26"] {
                for state in [nil, "TX"] {
                    let filter = try ProjectFilter(
                        .init(trade: trade, state: state), paging: Paging(page: 2, limit: 20))
                    let statements = try ProjectQueries.listStatements(filter, caller: nil, on: sql)
                    let plan = try await sql.raw("EXPLAIN " + statements.page).all()
                        .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    let index =
                        state == nil
                        ? "project_trades_open_public_created_idx" : "project_trades_open_public_state_created_idx"
                    #expect(plan.contains("using \(index) on project_trades"), "\(plan)")
                    #expect(
                        plan.contains("using projects_pkey on projects")
                            || plan.contains("using projects_open_public_idx on projects"), "\(plan)")
                    // The count (the `capped` CTE) may scan the common trade's rows under its LIMIT, as below.
                    #expect(!plan.contains("Seq Scan on projects") && !plan.contains("Sort"), "\(plan)")
                    if trade == "26" { #expect(Self.sequentialScans(plan).isEmpty, "\(plan)") }
                    let countPlan = try await sql.raw("EXPLAIN " + statements.cappedCount).all()
                        .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    // The count never reads a project; for the rare trade it reads an index of the trade rows (for
                    // the common one, a fifth of this small table, the planner may rightly scan it under the LIMIT).
                    #expect(!countPlan.contains("on projects"), "\(countPlan)")
                    if trade == "26" {
                        #expect(countPlan.contains("Index Only Scan using project_trades_open_public"), "\(countPlan)")
                    }
                }
            }
            // Signed in, the same filter reads projects (invitations widen what the caller sees), still by index.
            let signedIn = try ProjectFilter(.init(trade: "26"), paging: Paging(page: 1, limit: 20))
            let signedInPlan = try await sql.raw(
                "EXPLAIN "
                    + (try ProjectQueries.listStatements(
                        signedIn,
                        caller: Caller(userId: bidder.userId, companyId: bidder.companyId, role: .subcontractor),
                        on: sql
                    ).page)
            ).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            #expect(
                !signedInPlan.contains("Seq Scan on projects") && !signedInPlan.contains("Seq Scan on project_trades"))

            // The other shapes of the benchmark's mix: state (either order), the due-date order, budgets, city.
            let shapes: [ProjectFilter.Raw] = [
                .init(state: "TX"), .init(state: "TX", sort: "bidDueAt"), .init(sort: "bidDueAt"),
                .init(minBudgetCents: 5_000_000), .init(city: "Austin")
            ]
            for raw in shapes {
                let filter = try ProjectFilter(raw, paging: Paging(page: 2, limit: 20))
                let statements = try ProjectQueries.listStatements(filter, caller: nil, on: sql)
                for statement in [statements.page, statements.cappedCount] {
                    let plan = try await sql.raw("EXPLAIN " + statement).all()
                        .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    let scans = Self.sequentialScans(plan)
                    #expect(!scans.contains("projects") && !scans.contains { $0.hasPrefix("bids") }, "\(plan)")
                }
            }

            // More than 1,000 matches: the total is the planner's estimate, said so, and no statement counts them all.
            let mine = try await t.request(.GET, "/api/v1/projects?mine=true&limit=5", token: owner.token)
            #expect(mine.json["pagination"]["totalIsEstimate"].bool == true)
            let estimate = try #require(mine.json["pagination"]["total"].int)
            #expect(estimate > 10_000 && estimate < 40_000, "an estimate of 20,000 rows: \(estimate)")
            #expect(mine.json["pagination"]["nextCursor"].string != nil)

            // Past 1,000 matches the public listing's total is an estimate too, flagged; under it, exact.
            let page = try await t.request(.GET, "/api/v1/projects")
            let exact = (1...20000).filter { $0 % 5 == 1 && $0 % 7 != 0 }.count
            let total = try #require(page.json["pagination"]["total"].int)
            #expect(page.json["pagination"]["totalIsEstimate"].bool == true)
            #expect(total > exact / 2 && total < exact * 2, "estimate \(total) for \(exact)")
            let rare = try await t.request(.GET, "/api/v1/projects?trade=26&limit=5")
            let rareCount = try await sql.raw(
                """
                SELECT COUNT(*) AS n FROM projects p JOIN project_trades pt ON pt.project_id = p.id AND pt.trade = '26' \
                WHERE p.status = 'OPEN' AND p.visibility = 'PUBLIC'
                """
            ).first()?.decode(column: "n", as: Int.self)
            #expect(rare.json["pagination"]["total"].int == rareCount && rareCount ?? 0 > 0)
            #expect(rare.json["pagination"]["totalIsEstimate"].bool == false)
            #expect(page.json["data"].array.count == 20)
            #expect(page.json["data"][0]["bidCount"].int == 1)
        }
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "needs PostgreSQL")) func scalingIndexesExist() async throws {
        try await TestApp.run { t in
            let rows = try await t.app.db.sql.raw(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            ).all()
            let defs = try Dictionary(
                uniqueKeysWithValues: rows.map {
                    (
                        try $0.decode(column: "indexname", as: String.self),
                        try $0.decode(column: "indexdef", as: String.self)
                    )
                })
            #expect(defs["projects_status_created_at_idx"]?.contains("(status, created_at DESC)") == true)
            // bids is partitioned on PostgreSQL: the index is declared on the parent and made on every year.
            #expect(defs["bids_project_id_status_idx"]?.contains("ON ONLY public.bids") == true)
            #expect(defs["bids_project_id_status_idx"]?.contains("(project_id, status)") == true)
            #expect(defs["users_role_created_at_idx"]?.contains("WHERE") == true)
            #expect(defs["companies_plan_idx"]?.contains("'FREE'") == true)
            #expect(defs["projects_search_idx"]?.contains("gin") == true)
        }
    }

    /// The relations a plan reads sequentially, but for the bid partitions of years still to come: they are empty, and
    /// reading an empty table whole is the cheapest way to learn that.
    static func sequentialScans(_ plan: String) -> [String] {
        let thisYear = YearlyPartitions.year(of: Date())
        return plan.components(separatedBy: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "Seq Scan on ") else { return nil }
            let relation = String(line[range.upperBound...].prefix { $0 != " " })
            if relation.hasPrefix("bids_y"), let year = Int(relation.dropFirst(6)), year > thisYear { return nil }
            return relation
        }
    }
}

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
                INSERT INTO project_trades (trade, project_id, open_public_state)
                SELECT t.trade, p.id, CASE WHEN p.status = 'OPEN' AND p.visibility = 'PUBLIC' THEN p.state END
                FROM projects p, (VALUES ('03'), ('26')) AS t(trade)
                WHERE t.trade = '03' OR hashtext(p.id::text) % 200 = 0
                """
            ).run()
            try await sql.raw("ANALYZE").run()

            let filter = try ProjectFilter(.init(), paging: Paging(page: 1, limit: 20))
            for caller in [nil, Caller(userId: bidder.userId, companyId: bidder.companyId, role: .subcontractor)] {
                let statement = try ProjectQueries.listStatements(filter, caller: caller, postgres: true).page
                let plan = try await sql.raw("EXPLAIN " + statement).all()
                    .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(plan.contains("Index Scan using projects_status_created_at_idx on projects"), "\(plan)")
                #expect(
                    plan.contains("bids_project_id_status_idx") || plan.contains("bids_one_live_per_company"), "\(plan)"
                )
                #expect(
                    !plan.contains("Seq Scan on projects"),
                    "sequential scan of projects in the default listing:\n\(plan)")
                #expect(!plan.contains("Seq Scan on bids"), "sequential scan of bids in the default listing:\n\(plan)")
            }

            let search = try ProjectFilter(.init(q: "scope"), paging: Paging(page: 1, limit: 20))
            let searchPlan = try await sql.raw(
                "EXPLAIN " + (try ProjectQueries.listStatements(search, caller: nil, postgres: true).page)
            ).all()
                .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
            #expect(
                searchPlan.contains("projects_search_idx") || searchPlan.contains("projects_status_created_at_idx"),
                "\(searchPlan)")

            // Trade filters, common and rare, come from an index: no sequential scan of projects or of the trade set.
            for trade in ["03", "26"] {
                let byTrade = try ProjectFilter(.init(trade: trade), paging: Paging(page: 1, limit: 20))
                let plan = try await sql.raw(
                    "EXPLAIN " + (try ProjectQueries.listStatements(byTrade, caller: nil, postgres: true).page)
                ).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                #expect(
                    !plan.contains("Seq Scan on projects") && !plan.contains("Seq Scan on project_trades"), "\(plan)")
                // Its count (and with a state) reads the trade rows' partial index alone, never a project.
                for state in [nil, "TX"] {
                    let counted = try ProjectFilter(
                        .init(trade: trade, state: state), paging: Paging(page: 1, limit: 20))
                    let countPlan = try await sql.raw(
                        "EXPLAIN "
                            + (try ProjectQueries.listStatements(counted, caller: nil, postgres: true).cappedCount)
                    ).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    #expect(
                        countPlan.contains("project_trades_open_public_idx") && !countPlan.contains("on projects"),
                        "\(countPlan)")
                }
            }

            // The other shapes of the benchmark's mix: state (either order), the due-date order, budgets, city.
            let shapes: [ProjectFilter.Raw] = [
                .init(state: "TX"), .init(state: "TX", sort: "bidDueAt"), .init(sort: "bidDueAt"),
                .init(minBudgetCents: 5_000_000), .init(city: "Austin")
            ]
            for raw in shapes {
                let filter = try ProjectFilter(raw, paging: Paging(page: 2, limit: 20))
                let statements = try ProjectQueries.listStatements(filter, caller: nil, postgres: true)
                for statement in [statements.page, statements.cappedCount] {
                    let plan = try await sql.raw("EXPLAIN " + statement).all()
                        .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    #expect(!plan.contains("Seq Scan on projects") && !plan.contains("Seq Scan on bids"), "\(plan)")
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
            #expect(defs["bids_project_id_status_idx"]?.contains("(project_id, status)") == true)
            #expect(defs["users_role_created_at_idx"]?.contains("WHERE") == true)
            #expect(defs["companies_plan_idx"]?.contains("'FREE'") == true)
            #expect(defs["projects_search_idx"]?.contains("gin") == true)
        }
    }
}

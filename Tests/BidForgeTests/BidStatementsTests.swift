import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// A bid's transaction at its minimum, counted: the project with the caller's invitation and company (name and plan)
/// in one statement (under the share lock on PostgreSQL), the bid, the revision, the outbox event, the month's counter
/// (one upsert, the FREE allowance) — 5 statements; an invited bidder's invitation is marked too — 6.
@Suite struct BidStatementsTests {
    /// Counted by the server itself (`pg_stat_statements`, which `scripts/start-postgres` loads): every statement the
    /// bid's transaction sent, BEGIN and COMMIT aside.
    @Test(.enabled(if: TestDatabase.isPostgres, "counted by PostgreSQL's pg_stat_statements"))
    func aBidIsFiveStatementsOrSixWhenInvited() async throws {
        try await TestApp.run { t in
            let sql = t.app.db.sql
            let preloaded =
                try await sql.raw("SHOW shared_preload_libraries").first()?
                .decode(column: "shared_preload_libraries", as: String.self) ?? ""
            try #require(preloaded.contains("pg_stat_statements"), "start the server with scripts/start-postgres")
            try await sql.raw("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").run()
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let bidder = try await t.register(.subcontractor)  // FREE: the allowance is checked
            let caller = Caller(userId: bidder.userId, companyId: bidder.companyId, role: .subcontractor)
            let input = BidInput(
                amountCents: 120_000, currency: "USD", notes: nil,
                lineItems: [
                    LineItem(
                        description: "Work", trade: "03", quantity: 1, unit: "LS", unitPriceCents: 120_000,
                        totalCents: 120_000)
                ], exclusions: [], acknowledgedAddendum: 0, validUntil: nil)
            /// The statements one bid sends, BEGIN and COMMIT aside, as "calls× query" lines.
            func statements(of bid: () async throws -> Void) async throws -> (total: Int, listing: String) {
                try await sql.raw("SELECT pg_stat_statements_reset()").run()
                try await bid()
                let rows = try await sql.raw(
                    """
                    SELECT query, calls FROM pg_stat_statements
                    WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                    """
                ).all()
                var statements: [(String, Int)] = []
                for row in rows {
                    let query = try row.decode(column: "query", as: String.self)
                    let upper = query.uppercased()
                    if upper.hasPrefix("BEGIN") || upper.hasPrefix("COMMIT") || upper.contains("PG_STAT_STATEMENTS") {
                        continue
                    }
                    statements.append((query, try row.decode(column: "calls", as: Int.self)))
                }
                return (
                    statements.reduce(0) { $0 + $1.1 }, statements.map { "\($0.1)× \($0.0)" }.joined(separator: "\n")
                )
            }

            let open = try await statements {
                _ = try await BidActions.submit(input, to: project, by: caller, in: t.app.useCases)
            }
            #expect(open.total == 5, "\(open.listing)")
            let projectReads = open.listing.split(separator: "\n").filter { $0.uppercased().contains("FROM PROJECTS") }
            #expect(
                projectReads.count == 1 && projectReads[0].hasPrefix("1× "),
                "the project is read once:\n\(open.listing)")
            #expect(!open.listing.uppercased().contains("COUNT("), "no count over the month's bids")
            #expect(!open.listing.uppercased().contains("UPDATE INVITATIONS"), "no invitation to mark")
            #expect(try await BidCounters.count(bidder.companyId, at: t.clock.now, on: t.app.db) == 1)

            // Invited: one statement more, the invitation's status, and it reads BID_SUBMITTED.
            let invitedProject = try await t.openProject(owner, t.projectJSON(title: "Invited"))
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(invitedProject)/invitations", token: owner.token,
                body: ["companyIds": [.string(bidder.companyId.uuidString)]] as [String: JSONValue])
            try #require(invite.status == .created, "\(invite.text)")
            let invited = try await statements {
                _ = try await BidActions.submit(input, to: invitedProject, by: caller, in: t.app.useCases)
            }
            #expect(invited.total == 6, "\(invited.listing)")
            #expect(invited.listing.uppercased().contains("UPDATE INVITATIONS"), "\(invited.listing)")
            let status = try await sql.raw(
                """
                SELECT status FROM invitations WHERE project_id = \(bind: invitedProject) \
                AND company_id = \(bind: bidder.companyId)
                """
            ).first()?.decode(column: "status", as: String.self)
            #expect(status == "BID_SUBMITTED")
        }
    }

    @Test func theMonthlyAllowanceStillHoldsThroughTheCounter() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            let bidder = try await t.register(.subcontractor)  // FREE: 10 a month
            var statuses: [Int] = []
            for index in 0..<11 {
                let project = try await t.openProject(owner, t.projectJSON(title: "Month \(index)"))
                statuses.append(Int(try await t.bid(bidder, on: project).status.code))
            }
            #expect(statuses == Array(repeating: 201, count: 10) + [402], "\(statuses)")
            // The refused eleventh rolled back its increment; a withdrawal does not give one back.
            #expect(try await BidCounters.count(bidder.companyId, at: t.clock.now, on: t.app.db) == 10)
            t.clock.advance(by: 40 * 86_400)  // next month: a fresh allowance
            let later = try await t.openProject(try await t.relogin(owner), t.projectJSON(title: "Next month"))
            #expect(try await t.bid(try await t.relogin(bidder), on: later).status == .created)
        }
    }
}

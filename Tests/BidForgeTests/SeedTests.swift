import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct SeedTests {
    static let adminPassword = "operator-\(UUID().uuidString)"

    static func seed(_ t: TestApp, seed: UInt64, companies: Int = 12, projects: Int = 60, bids: Int = 4) async throws
        -> Seeder.Report
    {
        let hash = try await t.app.password.async.hash(Seeder.demoPassword)
        let seeder = Seeder(
            options: .init(companies: companies, projects: projects, bidsPerProject: bids, seed: seed),
            now: t.clock.now, passwordHash: hash, adminPasswordHash: try await t.app.password.async.hash(adminPassword))
        let app = t.app
        return try await seeder.run(on: { body in try await app.write(body) }, progress: { _ in })
    }

    /// A fingerprint of the seeded rows that matter, independent of insertion order.
    static func digest(_ t: TestApp) async throws -> String {
        let rows = try await t.app.db.sql.raw(
            """
            SELECT p.id AS pid, p.title, p.status, b.id AS bid, b.amount_cents, b.status AS bstatus
            FROM projects p LEFT JOIN bids b ON b.project_id = p.id ORDER BY p.id, b.id
            """
        ).all()
        var hasher = SHA256()
        for row in rows {
            let line = [
                try row.decode(column: "pid", as: UUID.self).uuidString,
                try row.decode(column: "title", as: String.self),
                try row.decode(column: "status", as: String.self),
                (try row.decode(column: "bid", as: UUID?.self))?.uuidString ?? "-",
                String(try row.decode(column: "amount_cents", as: Int64?.self) ?? -1)
            ].joined(separator: "|")
            hasher.update(data: Data(line.utf8))
        }
        return hasher.finalize().hex
    }

    @Test func seedsRealisticConsistentData() async throws {
        try await TestApp.run { t in
            let report = try await Self.seed(t, seed: 42)
            #expect(report.companies == 13 && report.users == 25 && report.projects == 60)
            #expect(report.bids > 60)

            // Every bid's line items add up, and every awarded project has exactly its one accepted bid.
            let bids = try await BidModel.query(on: t.app.db).all()
            #expect(bids.count == report.bids)
            for bid in bids {
                #expect(
                    try LineItemRules.validate(bid.lineItems, amountCents: bid.amountCents, validTrades: Trades.codes)
                        .isEmpty)
            }
            let projects = try await ProjectModel.query(on: t.app.db).all()
            #expect(Set(projects.map(\.status)) == Set(ProjectStatus.allCases))
            for project in projects where project.status == .awarded {
                let accepted = bids.filter { $0.projectId == project.id && $0.status == .accepted }
                #expect(accepted.count == 1 && accepted.first?.id == project.awardedBidId)
            }
            for bid in bids { #expect(projects.first { $0.id == bid.projectId }?.companyId != bid.companyId) }

            // The printed demo logins work through the API and see their data.
            for (email, role) in Seeder.demoLogins {
                let login = try await t.request(
                    .POST, "/api/v1/auth/login", body: ["email": email, "password": Seeder.demoPassword])
                #expect(
                    login.status == (role == .admin ? .unauthorized : .ok),
                    "\(email): the operator never has the demo password")
            }
            let admin = try await t.request(
                .POST, "/api/v1/auth/login", body: ["email": Seeder.demoLogins[0].0, "password": Self.adminPassword])
            #expect(admin.status == .ok)
            let owner = try await t.request(
                .POST, "/api/v1/auth/login",
                body: ["email": "owner@demo.bidforge.test", "password": Seeder.demoPassword])
            let mine = try await t.request(.GET, "/api/v1/projects?mine=true", token: owner.json["accessToken"].string)
            #expect((mine.json["pagination"]["total"].int ?? 0) > 0)
            #expect(try await t.request(.GET, "/api/v1/projects").json["data"].array.count > 0)
        }
    }

    @Test func sameSeedSameDataOtherSeedOtherData() async throws {
        var digests: [String] = []
        for seed: UInt64 in [7, 7, 8] {
            try await TestApp.run { t in
                _ = try await Self.seed(t, seed: seed, projects: 30)
                digests.append(try await Self.digest(t))
            }
        }
        #expect(digests[0] == digests[1])
        #expect(digests[0] != digests[2])
    }
}

extension SeedTests {
    @Test func everyActorIsAPersonOfTheRightCompany() async throws {
        try await TestApp.run { t in
            _ = try await Self.seed(t, seed: 3, projects: 40)
            let sql = t.app.db.sql
            for (table, column, company) in [
                ("bids", "submitted_by", "company_id"), ("bid_revisions", "created_by", "company_id"),
                ("questions", "asked_by", "company_id"), ("projects", "created_by", "company_id")
            ] {
                let orphans = try await sql.raw(
                    """
                    SELECT COUNT(*) AS n FROM \(ident: table) x LEFT JOIN users u ON u.id = x.\(ident: column) AND u.company_id = x.\(ident: company)
                    WHERE u.id IS NULL
                    """
                ).first()?.decode(column: "n", as: Int.self)
                #expect(orphans == 0, "\(table).\(column) names someone outside the company")
            }
        }
    }
}

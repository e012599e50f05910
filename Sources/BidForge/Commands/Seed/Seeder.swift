import BidForgeCore
import Fluent
import Foundation
import SQLKit

/// Builds a realistic, deterministic demo data set straight into the database with batched inserts.
struct Seeder {
    struct Options: Sendable {
        var companies: Int
        var projects: Int
        var bidsPerProject: Int
        var seed: UInt64
    }

    struct Report: Sendable {
        var companies = 0, users = 0, projects = 0, bids = 0, revisions = 0, invitations = 0, questions = 0
        var seconds = 0.0
    }

    static let demoPassword = "bidforge-demo-1"
    static let demoLogins: [(String, UserRole)] = [
        ("admin@demo.bidforge.test", .admin), ("owner@demo.bidforge.test", .owner),
        ("contractor@demo.bidforge.test", .contractor), ("sub@demo.bidforge.test", .subcontractor)
    ]

    let options: Options
    let now: Date
    /// Every demo company's people share the demo password; the platform operator never does.
    let passwordHash: String
    let adminPasswordHash: String

    private struct Company {
        let id: UUID
        /// The person who acts for the company in demo data (its admin).
        let actor: UUID
        let name: String
        let trades: [String]
        let states: [String]
        let posts: Bool
    }

    /// Writes everything; each chunk of projects commits on its own so memory stays flat at any size.
    func run(
        on write: (@escaping @Sendable (any Database) async throws -> Void) async throws -> Void,
        progress: (String) -> Void
    ) async throws -> Report {
        let started = Date()
        // The oldest bid written is about 121 days before `now` (a project's creation, 1–120 days back, and later).
        let now = self.now
        try await write { db in
            try await BidPartitions.ensure(from: now.addingTimeInterval(-122 * 86_400), on: db, now: now)
        }
        var random = SeededRandom(seed: options.seed)
        var report = Report()
        let companies = makeCompanies(&random)
        let posters = companies.filter(\.posts)
        let bidders = companies.filter { !$0.posts }

        // The platform operator gets a company of its own, outside the marketplace's posters and bidders.
        let operations = random.uuid()
        let users = makeUsers(companies, operations: operations, &random)
        var companyRows = companies.map { c -> [any Encodable & Sendable] in
            let plan: Plan = c.posts ? (random.chance(0.6) ? .pro : .enterprise) : (random.chance(0.75) ? .free : .pro)
            return [
                c.id, c.name, ListColumn.join(c.trades), ListColumn.join(c.states), plan.rawValue,
                now.addingTimeInterval(-200 * 86_400), now
            ]
        }
        companyRows.append([operations, "BidForge Operations", "", "", Plan.enterprise.rawValue, now, now])
        let allCompanyRows = companyRows
        try await write { db in
            let insert = BatchInsert(
                db.sql, table: "companies",
                columns: ["id", "name", "trades", "service_states", "plan", "created_at", "updated_at"])
            for row in allCompanyRows { try await insert.add(row) }
            try await insert.flush()
            let userInsert = BatchInsert(
                db.sql, table: "users",
                columns: [
                    "id", "company_id", "email", "password_hash", "name", "role", "company_role", "created_at",
                    "updated_at"
                ])
            for row in users { try await userInsert.add(row) }
            try await userInsert.flush()
        }
        report.companies = companyRows.count
        report.users = users.count
        progress("companies: \(companies.count), users: \(users.count)")

        let chunk = 500
        var made = 0
        while made < options.projects {
            let count = min(chunk, options.projects - made)
            let batch = try (0..<count).map { _ in try makeProject(posters: posters, bidders: bidders, &random) }
            let stats = try await writeProjects(batch, using: write)
            made += count
            report.projects += count
            report.bids += stats.bids
            report.revisions += stats.bids
            report.invitations += stats.invitations
            report.questions += stats.questions
            if made % 10_000 == 0 || made == options.projects {
                let elapsed = Date().timeIntervalSince(started)
                progress(
                    "projects: \(made)/\(options.projects), bids: \(report.bids) (\(Int(Double(report.bids) / max(elapsed, 0.001))) bids/s)"
                )
            }
        }
        try await write { db in try await BidCounters.rebuild(on: db) }  // the monthly counters of the loaded bids
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: companies and people

    private func makeCompanies(_ random: inout SeededRandom) -> [Company] {
        let total = max(options.companies, 4)
        let posterCount = max(1, total / 5)
        let tradeCodes = Array(DemoVocabulary.tradeKinds.keys).sorted()
        var usedNames = Set<String>()
        return (0..<total).map { index in
            let posts = index < posterCount
            var trades: [String]
            var kind: String
            if posts {
                trades = []
                kind =
                    random.chance(0.5)
                    ? random.pick(DemoVocabulary.ownerKinds) : random.pick(DemoVocabulary.generalKinds)
            } else if random.chance(0.2) {
                trades = Array(Set((0..<random.int(4...8)).map { _ in random.pick(tradeCodes) })).sorted()
                kind = random.pick(DemoVocabulary.generalKinds)
            } else {
                let main = random.pick(tradeCodes)
                trades = Array(Set([main] + (random.chance(0.4) ? [random.pick(tradeCodes)] : []))).sorted()
                kind = random.pick(DemoVocabulary.tradeKinds[main]!)
            }
            let suffix =
                posts && DemoVocabulary.ownerKinds.contains(kind) ? "" : " " + random.pick(DemoVocabulary.suffixes)
            var name = "\(random.pick(DemoVocabulary.namePrefixes)) \(kind)\(suffix)"
            if usedNames.contains(name) { name = "\(name) \(index)" }
            usedNames.insert(name)
            let home = random.pick(DemoVocabulary.cities)
            let states = Array(
                Set([home.1] + (0..<random.int(0...3)).map { _ in random.pick(DemoVocabulary.cities).1 })
            ).sorted()
            return Company(
                id: random.uuid(), actor: random.uuid(), name: name, trades: trades, states: states, posts: posts)
        }
    }

    private func makeUsers(_ companies: [Company], operations: UUID, _ random: inout SeededRandom) -> [[any Encodable
        & Sendable]]
    {
        var rows: [[any Encodable & Sendable]] = []
        let firstPoster = companies.firstIndex(where: \.posts)!
        let bidderIndices = companies.indices.filter { !companies[$0].posts }
        let demo: [Int: (String, UserRole)] = [
            firstPoster: Self.demoLogins[1], bidderIndices[0]: Self.demoLogins[2], bidderIndices[1]: Self.demoLogins[3]
        ]
        for (index, company) in companies.enumerated() {
            let slug = company.name.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(24)
            for seat in 0..<2 {
                let first = random.pick(DemoVocabulary.firstNames), last = random.pick(DemoVocabulary.lastNames)
                var role: UserRole =
                    company.posts
                    ? (random.chance(0.5) ? .owner : .contractor)
                    : (random.chance(0.3) ? .contractor : .subcontractor)
                var email = "\(first.lowercased()).\(last.lowercased()).\(index)-\(seat)@\(slug).example"
                if seat == 0, let (demoEmail, demoRole) = demo[index] {
                    email = demoEmail
                    role = demoRole
                }
                rows.append([
                    seat == 0 ? company.actor : random.uuid(), company.id, email, passwordHash, "\(first) \(last)",
                    role.rawValue,
                    (seat == 0 ? CompanyRole.admin : .member).rawValue, now.addingTimeInterval(-150 * 86_400), now
                ])
            }
        }
        rows.append([
            random.uuid(), operations, Self.demoLogins[0].0, adminPasswordHash, "Platform Operator",
            UserRole.admin.rawValue, CompanyRole.admin.rawValue, now, now
        ])
        return rows
    }

    // MARK: projects and everything on them

    private struct ProjectPlan {
        var project: [any Encodable & Sendable]
        /// (trade, project id) rows of the project's trade set.
        var trades: [[any Encodable & Sendable]]
        var bids: [[any Encodable & Sendable]]
        var revisions: [[any Encodable & Sendable]]
        var invitations: [[any Encodable & Sendable]]
        var questions: [[any Encodable & Sendable]]
    }

    private func makeProject(posters: [Company], bidders: [Company], _ random: inout SeededRandom) throws -> ProjectPlan
    {
        let owner = random.pick(posters)
        let id = random.uuid()
        let roll = Double.random(in: 0..<1, using: &random)
        let status: ProjectStatus =
            roll < 0.10 ? .draft : roll < 0.55 ? .open : roll < 0.70 ? .closed : roll < 0.95 ? .awarded : .cancelled
        let createdAt = now.addingTimeInterval(-Double(random.int(1...120)) * 86_400 - Double(random.int(0...86_399)))
        let bidDueAt: Date =
            switch status {
            case .draft, .open:
                now.addingTimeInterval(Double(random.int(1...45)) * 86_400 + Double(random.int(0...23)) * 3600)
            default:
                min(createdAt.addingTimeInterval(Double(random.int(10...30)) * 86_400), now.addingTimeInterval(-3600))
            }
        let publishedAt: Date? = status == .draft ? nil : createdAt.addingTimeInterval(3600)
        let tradeCodes = Array(DemoVocabulary.tradeKinds.keys).sorted()
        let trades = Array(Set((0..<random.int(1...4)).map { _ in random.pick(tradeCodes) })).sorted()
        let city = random.pick(DemoVocabulary.cities)
        let budgetMin = Int64(random.int(50...5_000)) * 100_000
        let budgetMax = budgetMin + Int64(random.int(10...200)) * 100_000
        let visibility: ProjectVisibility = random.chance(0.85) ? .public : .inviteOnly
        let sealed = random.chance(0.15)
        let building = random.pick(DemoVocabulary.buildingTypes)
        let title = "\(building) \(random.pick(DemoVocabulary.scopes)) — \(city.0)"
        let description =
            "\(building) in \(city.0), \(city.1). Scope covers divisions \(trades.joined(separator: ", ")). "
            + "Drawings and specifications are issued for bid; bidders must visit the site before submitting."

        // Bidders: distinct companies other than the owner.
        var bids: [[any Encodable & Sendable]] = []
        var revisions: [[any Encodable & Sendable]] = []
        var invitations: [[any Encodable & Sendable]] = []
        var questions: [[any Encodable & Sendable]] = []
        var awardedBidId: UUID?
        var awardedAt: Date?
        let takesBids = status == .open || status == .closed || status == .awarded
        let bidderCount = takesBids ? min(options.bidsPerProject, bidders.count) : 0
        var chosen: [Company] = []
        if bidderCount > 0 {
            let start = random.int(0...(bidders.count - 1))
            let step = bidders.count > 1 ? 1 + random.int(0...(bidders.count - 2)) : 1
            var index = start
            var seen = Set<Int>()
            while chosen.count < bidderCount {
                while seen.contains(index) { index = (index + 1) % bidders.count }
                seen.insert(index)
                chosen.append(bidders[index])
                index = (index + step) % bidders.count
            }
        }
        let winnerIndex = status == .awarded && !chosen.isEmpty ? random.int(0...(chosen.count - 1)) : -1
        let base = (budgetMin + budgetMax) / 2
        for (i, company) in chosen.enumerated() {
            let bidId = random.uuid()
            let amount = max(100_000, base * Int64(random.int(85...125)) / 100 / 100 * 100)
            let items = lineItems(amount: amount, trades: trades, &random)
            let exclusions = Array(Set((0..<random.int(0...2)).map { _ in random.pick(DemoVocabulary.exclusions) }))
                .sorted()
            let bidStatus: BidStatus
            if status == .awarded {
                bidStatus = i == winnerIndex ? .accepted : .rejected
            } else {
                bidStatus = random.chance(0.05) ? .withdrawn : .submitted
            }
            if i == winnerIndex {
                awardedBidId = bidId
                awardedAt = min(bidDueAt.addingTimeInterval(Double(random.int(1...10)) * 86_400), now)
            }
            let submittedAt = publishedAt!.addingTimeInterval(
                Double(random.int(1...max(1, Int(bidDueAt.timeIntervalSince(publishedAt!)) - 60))))
            let itemsJSON = try JSONColumn.encode(items), exclusionsJSON = try JSONColumn.encode(exclusions)
            bids.append([
                bidId, id, company.id, company.actor, bidStatus.rawValue, amount, "USD", "", itemsJSON, exclusionsJSON,
                0, 1, submittedAt, submittedAt
            ])
            revisions.append([
                random.uuid(), bidId, company.id, 1, amount, "USD", "", itemsJSON, exclusionsJSON, 0,
                company.actor, submittedAt
            ])
            if visibility == .inviteOnly || random.chance(0.3) {
                invitations.append([
                    random.uuid(), id, company.id, owner.id, InvitationStatus.bidSubmitted.rawValue,
                    createdAt.addingTimeInterval(7200), submittedAt
                ])
            }
        }
        if status != .draft, random.chance(0.25), let asker = chosen.first {
            let answered = random.chance(0.6)
            let askedAt = publishedAt!.addingTimeInterval(86_400)
            questions.append([
                random.uuid(), id, asker.id, asker.actor, random.pick(DemoVocabulary.questions),
                answered ? random.pick(DemoVocabulary.answers) : nil as String?, answered ? owner.actor : nil as UUID?,
                answered ? askedAt.addingTimeInterval(7200) : nil as Date?, askedAt
            ])
        }
        let project: [any Encodable & Sendable] = [
            id, owner.id, owner.actor, title, description, status.rawValue, visibility.rawValue, sealed,
            ListColumn.join(trades),
            city.0, city.1, city.2, "US", budgetMin, budgetMax, bidDueAt, publishedAt, awardedAt, awardedBidId, 0,
            createdAt, createdAt
        ]
        return ProjectPlan(
            project: project,
            trades: trades.map {
                [$0, id, ProjectTrades.openPublicState(status, visibility, state: city.1), createdAt]
            },
            bids: bids, revisions: revisions,
            invitations: invitations, questions: questions)
    }

    /// One to four rows over the project's trades; the last row absorbs the remainder so they add up exactly.
    private func lineItems(amount: Int64, trades: [String], _ random: inout SeededRandom) -> [LineItem] {
        let count = min(trades.count, random.int(1...4))
        var remaining = amount
        var items: [LineItem] = []
        for (i, trade) in trades.prefix(count).enumerated() {
            let name = DemoVocabulary.tradeKinds[trade]?.first ?? "Work"
            if i == count - 1 {
                items.append(
                    LineItem(
                        description: "\(name) — balance of scope", trade: trade, quantity: 1, unit: "LS",
                        unitPriceCents: remaining, totalCents: remaining))
            } else {
                let quantity = random.int(10...500)
                let share = remaining / Int64(count - i) / 2
                let unitPrice = max(1, share / Int64(quantity))
                let total = unitPrice * Int64(quantity)
                remaining -= total
                items.append(
                    LineItem(
                        description: name, trade: trade, quantity: Double(quantity),
                        unit: random.pick(DemoVocabulary.units), unitPriceCents: unitPrice, totalCents: total))
            }
        }
        return items
    }

    private func writeProjects(
        _ plans: [ProjectPlan],
        using write: (@escaping @Sendable (any Database) async throws -> Void) async throws -> Void
    ) async throws -> (bids: Int, invitations: Int, questions: Int) {
        let projects = plans.map(\.project), bids = plans.flatMap(\.bids), revisions = plans.flatMap(\.revisions)
        let invitations = plans.flatMap(\.invitations), questions = plans.flatMap(\.questions)
        let rows = (projects, bids, revisions, invitations, questions)
        let tradeRows = plans.flatMap(\.trades)
        try await write { db in
            let sql = db.sql
            let p = BatchInsert(
                sql, table: "projects",
                columns: [
                    "id", "company_id", "created_by", "title", "description", "status", "visibility", "sealed",
                    "trades", "city", "state",
                    "postal_code", "country", "budget_min_cents", "budget_max_cents", "bid_due_at", "published_at",
                    "awarded_at",
                    "awarded_bid_id", "addendum_count", "created_at", "updated_at"
                ])
            for row in rows.0 { try await p.add(row) }
            try await p.flush()
            let pt = BatchInsert(
                sql, table: "project_trades",
                columns: ["trade", "project_id", "open_public_state", "project_created_at"])
            for row in tradeRows { try await pt.add(row) }
            try await pt.flush()
            let b = BatchInsert(
                sql, table: "bids",
                columns: [
                    "id", "project_id", "company_id", "submitted_by", "status", "amount_cents", "currency", "notes",
                    "line_items",
                    "exclusions", "acknowledged_addendum", "revision", "created_at", "updated_at"
                ])
            for row in rows.1 { try await b.add(row) }
            try await b.flush()
            let r = BatchInsert(
                sql, table: "bid_revisions",
                columns: [
                    "id", "bid_id", "company_id", "revision", "amount_cents", "currency", "notes", "line_items",
                    "exclusions",
                    "acknowledged_addendum", "created_by", "created_at"
                ])
            for row in rows.2 { try await r.add(row) }
            try await r.flush()
            let i = BatchInsert(
                sql, table: "invitations",
                columns: ["id", "project_id", "company_id", "owner_company_id", "status", "created_at", "responded_at"])
            for row in rows.3 { try await i.add(row) }
            try await i.flush()
            let q = BatchInsert(
                sql, table: "questions",
                columns: [
                    "id", "project_id", "company_id", "asked_by", "body", "answer", "answered_by", "answered_at",
                    "created_at"
                ])
            for row in rows.4 { try await q.add(row) }
            try await q.flush()
        }
        return (bids.count, invitations.count, questions.count)
    }
}

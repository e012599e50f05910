import Fluent
import Vapor

/// `bidforge seed --companies N --projects N --bids-per-project N --seed S`: demo data, the same for the same seed.
struct SeedCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "companies", help: "How many companies (default 40; a fifth of them post projects)")
        var companies: Int?
        @Option(name: "projects", help: "How many projects (default 200)")
        var projects: Int?
        @Option(name: "bids-per-project", help: "Bids on each project that is open, closed or awarded (default 5)")
        var bidsPerProject: Int?
        @Option(name: "seed", help: "Random seed (default 1): the same seed gives the same data")
        var seed: Int?
        @Flag(name: "force", help: "Seed even with APP_ENV=production (demo companies and logins in a real database)")
        var force: Bool
    }

    var help: String { "Fill the database with realistic demo data and print the demo logins." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if app.settings.environment == .production && !signature.force {
            context.console.error(
                "APP_ENV is production: seeding would add demo companies and demo logins to a real database. "
                    + "Use --force if that is really wanted.")
            throw ExitCode.failure
        }
        let options = Seeder.Options(
            companies: max(4, signature.companies ?? 40), projects: max(0, signature.projects ?? 200),
            bidsPerProject: max(0, signature.bidsPerProject ?? 5), seed: UInt64(max(0, signature.seed ?? 1)))
        try await app.autoMigrate()
        if try await UserModel.query(on: app.db).filter(\.$email == Seeder.demoLogins[0].0).first() != nil {
            context.console.error(
                "This database already holds demo data (\(Seeder.demoLogins[0].0) exists). Seed an empty database.")
            throw ExitCode.failure
        }
        let hash = try await app.password.async.hash(Seeder.demoPassword)
        // The platform operator can change any company's plan: its password is random, shown once, never the demo one.
        let adminPassword = SecureToken.generate(bytes: 15)
        let seeder = Seeder(
            options: options, now: app.clock.now(), passwordHash: hash,
            adminPasswordHash: try await app.password.async.hash(adminPassword))
        let report = try await seeder.run(
            on: { body in try await app.write(body) }, progress: { context.console.print($0) })
        let rate = Int(Double(report.bids) / max(report.seconds, 0.001))
        context.console.print(
            """
            Seeded in \(String(format: "%.1f", report.seconds)) s: \(report.companies) companies, \(report.users) users, \
            \(report.projects) projects, \(report.bids) bids (\(rate) bids/s), \(report.revisions) bid revisions, \
            \(report.invitations) invitations, \(report.questions) questions.

            Demo logins (password: \(Seeder.demoPassword)):
            """)
        for (email, role) in Seeder.demoLogins where role != .admin {
            context.console.print("  \(role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(email)")
        }
        context.console.print(
            "Platform operator: \(Seeder.demoLogins[0].0), password \(adminPassword) (random, shown only now)")
        let host = app.settings.host, port = app.settings.port
        context.console.print(
            "Then: swift run bidforge serve, and sign in at http://\(host):\(port)/login "
                + "(or POST http://\(host):\(port)/api/v1/auth/login for the API)")
    }
}

enum ExitCode: Error { case failure }

import Fluent
import Vapor

public enum BidForgeCommands {
    /// `routes` comes with Vapor; these are ours (`serve` replaces Vapor's to add draining).
    public static func register(in app: Application) {
        app.asyncCommands.use(DrainingServeCommand(), as: "serve", isDefault: true)
        app.asyncCommands.use(MigrateCommand(), as: "migrate")
        app.asyncCommands.use(SeedCommand(), as: "seed")
        app.asyncCommands.use(OpenAPICommand(), as: "openapi")
        app.asyncCommands.use(MaintainCommand(), as: "maintain")
    }
}

/// `bidforge migrate [--revert]`: applies (or reverts the last batch of) migrations without asking.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert the last batch of migrations instead")
        var revert: Bool
        @Flag(name: "yes", short: "y", help: "Accepted for compatibility; migrate never asks")
        var yes: Bool
    }

    var help: String { "Apply the database migrations (or --revert the last batch)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.revert {
            try await context.application.autoRevert()
            context.console.print("Reverted the last batch of migrations.")
        } else {
            try await context.application.autoMigrate()
            context.console.print("Migrations are up to date.")
        }
    }
}

/// `bidforge maintain`: the database's upkeep that serving instances also do hourly, for an operator or a cron job:
/// bid partitions for this year and the next ones (PostgreSQL).
struct MaintainCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Create the bid partitions for this year and the years ahead (PostgreSQL)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard app.db.isPostgres else {
            context.console.print("SQLite keeps bids in one table: nothing to do.")
            return
        }
        let created = try await BidPartitions.ensureAhead(now: app.clock.now(), on: app.db)
        let years = try await YearlyPartitions.years(BidPartitions.table, on: app.db.sql)
        context.console.print(
            (created.isEmpty ? "No partition was missing." : "Created \(created.joined(separator: ", ")).")
                + " Bid partitions: \(years.map(String.init).joined(separator: ", ")).")
    }
}

/// `bidforge openapi`: prints the OpenAPI document (the same bytes `GET /openapi.json` serves), for client generators
/// and for validating it in CI.
struct OpenAPICommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Print the OpenAPI 3.1 document." }

    func run(using context: CommandContext, signature: Signature) async throws {
        FileHandle.standardOutput.write(try OpenAPIDocument.json())
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

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
        app.asyncCommands.use(ArchiveCommand(), as: "archive")
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

/// `bidforge archive --older-than 2y [--dry-run] [--batch 100]`: moves projects AWARDED or CANCELLED before the cut-off,
/// with their bids, revisions, questions, invitations, conversations and documents, into the archive tables
/// (PostgreSQL). Safe to kill and run again; safe beside serving instances (one batch's projects locked at a time).
struct ArchiveCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "older-than", help: "Archive projects finished before this long ago: 2y, 18m or 30d")
        var olderThan: String?
        @Flag(name: "dry-run", help: "Count what would move; move nothing")
        var dryRun: Bool
        @Option(name: "batch", help: "Projects per transaction (default 100)")
        var batch: Int?
    }

    var help: String { "Move projects finished before a cut-off, with everything of theirs, to the archive tables." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        // Said on the console, as the seed's refusals are: a thrown error's message is only logged.
        func refuse(_ reason: String) -> ExitCode {
            context.console.error(reason)
            return ExitCode.failure
        }
        guard app.db.isPostgres else {
            throw refuse("archive moves rows into PostgreSQL's archive tables; DATABASE_URL is SQLite")
        }
        let now = app.clock.now()
        guard let text = signature.olderThan, let cutoff = ProjectArchive.cutoff(text, now: now) else {
            throw refuse("--older-than must look like 2y, 18m or 30d")
        }
        let batch = signature.batch ?? 100
        guard (1...10_000).contains(batch) else { throw refuse("--batch must be between 1 and 10000") }
        let started = ContinuousClock.now
        let console = context.console
        let report: ProjectArchive.Report
        if signature.dryRun {
            report = try await ProjectArchive.preview(before: cutoff, on: app.db)
        } else {
            let cache = app.cache
            if cache != nil, app.redis == nil {
                // Only a shared cache reaches the serving instances; theirs would keep showing archived public
                // projects (and listing them) until their entries expire.
                console.warning(
                    "No REDIS_URL: serving instances may show and list archived public projects for up to "
                        + "\(app.settings.cacheTTLSeconds) s (CACHE_TTL_SECONDS); give this command their REDIS_URL.")
            }
            report = try await ProjectArchive.run(
                before: cutoff, batchSize: batch, on: app.db,
                moved: { ids in await cache?.invalidate(Set([CacheScope.listings] + ids.map(CacheScope.project))) },
                progress: { report in
                    if report.batches % 50 == 0 {
                        console.print("… \(report.projects) projects, \(report.bids) bids so far")
                    }
                })
        }
        let seconds = Double((ContinuousClock.now - started).components.seconds)
        let rows = report.rows.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        console.print(
            (signature.dryRun ? "Would archive" : "Archived") + " \(report.projects) projects finished before "
                + JSONCoding.formatDate(cutoff) + " (" + (rows.isEmpty ? "no rows" : rows.joined(separator: ", "))
                + ")" + (signature.dryRun ? "." : " in \(Int(seconds)) s, \(report.batches) batches."))
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

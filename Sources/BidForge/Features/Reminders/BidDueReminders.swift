import BidForgeCore
import Fluent
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// `BID_DUE_SOON`: 24 hours before `bidDueAt`, each invited company that has neither bid nor declined is told, once.
/// Every instance runs the job; "once" holds because each (project, company) reminder is a row with a primary key,
/// written in the same transaction as its event, under a lock on the project row (PostgreSQL).
enum BidDueReminders {
    static let lead: TimeInterval = 24 * 3600

    struct ReminderRow: Codable {
        let project_id: UUID
        let company_id: UUID
    }

    /// Sends what is due at `now`; returns how many companies were reminded.
    @discardableResult
    static func run(_ app: Application, now: Date) async throws -> Int {
        let due = try await ProjectModel.query(on: app.db)
            .filter(\.$status == .open)
            .filter(\.$bidDueAt > now)
            .filter(\.$bidDueAt <= now.addingTimeInterval(lead))
            .all()
        var reminded = 0
        for project in due {
            reminded += try await app.write { db in try await remind((try project.requireID()), now: now, on: db) }
        }
        return reminded
    }

    private static func remind(_ projectId: UUID, now: Date, on db: any Database) async throws -> Int {
        guard let project = try await db.locked(ProjectModel.self, id: projectId), project.status == .open,
            project.bidDueAt > now
        else { return 0 }
        let invitations = try await InvitationModel.query(on: db).filter(\.$projectId == projectId)
            .filter(\.$status !~ [.declined, .bidSubmitted]).all()
        let bidders = Set(
            try await BidModel.query(on: db).filter(\.$projectId == projectId)
                .filter(\.$status != .withdrawn).all().map(\.companyId))
        let alreadyReminded = Set(
            try await db.sql.raw(
                """
                SELECT project_id, company_id FROM bid_due_reminders WHERE project_id = \(bind: projectId)
                """
            ).all(decoding: ReminderRow.self).map(\.company_id))
        let companies = invitations.map(\.companyId).filter { !bidders.contains($0) && !alreadyReminded.contains($0) }
        guard !companies.isEmpty else { return 0 }
        for company in companies {
            try await db.sql.raw(
                """
                INSERT INTO bid_due_reminders (project_id, company_id, sent_at) VALUES (\(bind: projectId), \(bind: company), \(bind: now))
                """
            ).run()
        }
        try await DomainEvent.bidDueSoon(
            BidDueSoon(
                projectId: projectId, projectTitle: project.title, bidDueAt: project.bidDueAt,
                companies: companies)
        ).record(by: nil, on: db, now: now)
        return companies.count
    }
}

/// Runs the jobs kept by the clock while the instance serves: every `interval`, bid-due reminders and closing projects
/// whose due time has come (so a project's status turns CLOSED within one interval of its due time); every
/// `retentionInterval`, the retention job and the bid partitions ahead.
final class ReminderScheduler: Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func start(_ app: Application, interval: Duration = .seconds(10), retentionInterval: Duration = .seconds(3_600)) {
        let loop = Task {
            var retentionDue = ContinuousClock.now + .seconds(60)  // not in the middle of start-up
            while !Task.isCancelled {
                do {
                    try await DueTimeClosing.run(app, now: app.clock.now())
                    try await BidDueReminders.run(app, now: app.clock.now())
                    if ContinuousClock.now >= retentionDue {
                        retentionDue = ContinuousClock.now + retentionInterval
                        var deleted = try await RetentionJob.run(app, now: app.clock.now())
                        deleted["stored objects nobody owns"] = try await StoredObjectCleanup.sweep(
                            app, now: app.clock.now())
                        try await BidPartitions.ensureAhead(now: app.clock.now(), on: app.db)
                        app.logger.info(
                            "retention job done",
                            metadata: ["deleted": .string(deleted.filter { $0.value > 0 }.description)])
                    }
                } catch {
                    app.logger.warning(
                        "scheduled jobs failed; retrying next round",
                        metadata: ["error": .string(String(describing: error))])
                }
                try? await Task.sleep(for: interval)
            }
        }
        task.withLockedValue { $0 = loop }
    }

    func stop() async {
        let loop = task.withLockedValue { $0 }
        loop?.cancel()
        await loop?.value
    }
}

import BidForgeCore
import Fluent
import Vapor

/// OPEN projects close by themselves at their due time. Bids are refused from that instant whatever the status says
/// (`BiddingWindow`); this sweep makes the status, the listing (which shows OPEN projects) and the pages agree within
/// one round, and tells the invited and bidding companies as a manual close does. Every instance runs it; the row lock
/// and the status check make each close happen once.
enum DueTimeClosing {
    static let batch = 100

    /// Closes the OPEN projects whose due time has come; returns how many.
    @discardableResult
    static func run(_ app: Application, now: Date) async throws -> Int {
        let due = try await ProjectModel.query(on: app.db).filter(\.$status == .open).filter(\.$bidDueAt <= now)
            .sort(\.$bidDueAt).limit(batch).all()
        var closed = 0
        for candidate in due {
            let id = try candidate.requireID()
            closed += try await app.write { db in
                guard let project = try await db.locked(ProjectModel.self, id: id), project.status == .open,
                    !BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: now)
                else { return 0 }
                project.status = .closed
                project.updatedAt = now
                try await project.update(on: db)
                try await ProjectEvents.recordUpdated(project, on: db, now: now)
                return 1
            }
        }
        return closed
    }
}

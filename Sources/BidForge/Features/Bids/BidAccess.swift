import Vapor
import Fluent
import BidForgeCore

/// Who may see and act on a bid: its own company, and the company that posted the project. Everyone else gets 404.
enum BidAccess {
    enum Relation { case bidder, projectOwner }

    static func load(_ req: Request, caller: Caller, on db: (any Database)? = nil) async throws -> (BidModel, ProjectModel, Relation) {
        let db = db ?? req.db
        guard let id = req.parameters.get("bidID", as: UUID.self),
              let bid = try await BidModel.find(id, on: db),
              let project = try await ProjectModel.find(bid.projectId, on: db) else {
            throw APIError.notFound("Bid")
        }
        if bid.companyId == caller.companyId { return (bid, project, .bidder) }
        if project.companyId == caller.companyId { return (bid, project, .projectOwner) }
        throw APIError.notFound("Bid")
    }

    /// A sealed project's prices stay hidden from its owner until the due time has passed.
    static func hidesPrice(of project: ProjectModel, from relation: ProjectRelation, now: Date) -> Bool {
        relation == .owner && project.sealed && now < project.bidDueAt
    }

    /// Bidding is open while the project is OPEN and its due time has not come.
    static func requireBiddingOpen(_ project: ProjectModel, now: Date) throws {
        guard BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: now) else {
            throw APIError(.conflict, "BIDDING_CLOSED", "Bidding on this project is closed.",
                           details: ["status": .string(project.status.rawValue),
                                     "bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))])
        }
    }
}

extension Database {
    /// Shares a row lock (PostgreSQL) so that closing or awarding waits for in-flight bids, and vice versa.
    func lockForShare(_ table: String, id: UUID) async throws {
        guard isPostgres else { return }
        try await sql.raw("SELECT 1 FROM \(ident: table) WHERE id = \(bind: id) FOR SHARE").run()
    }
}

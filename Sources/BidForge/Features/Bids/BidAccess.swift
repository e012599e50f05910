import BidForgeCore
import Fluent
import Vapor

/// Who may see and act on a bid: its own company, and the company that posted the project. Everyone else gets 404.
enum BidAccess {
    enum Relation { case bidder, projectOwner }

    static func find(_ id: UUID?, caller: Caller, on db: any Database) async throws -> (
        BidModel, ProjectModel, Relation
    ) {
        guard let id, let bid = try await BidModel.find(id, on: db),
            let project = try await ProjectModel.find(bid.projectId, on: db)
        else {
            throw APIError.notFound("Bid")
        }
        guard let relation = relation(of: caller, to: bid, on: project) else { throw APIError.notFound("Bid") }
        return (bid, project, relation)
    }

    /// How the caller stands towards a bid: its own company's, or on its company's project; nil for anyone else.
    static func relation(of caller: Caller, to bid: BidModel, on project: ProjectModel) -> Relation? {
        if bid.companyId == caller.companyId { return .bidder }
        if project.companyId == caller.companyId { return .projectOwner }
        return nil
    }

    /// The bid named by the route's `bidID` (adapters).
    static func load(_ req: Request, caller: Caller) async throws -> (BidModel, ProjectModel, Relation) {
        try await find(req.parameters.get("bidID", as: UUID.self), caller: caller, on: req.db)
    }

    /// A sealed project's prices stay hidden from its owner until the due time has passed.
    static func hidesPrice(of project: ProjectModel, from relation: ProjectRelation, now: Date) -> Bool {
        relation == .owner && project.sealed && now < project.bidDueAt
    }

    /// The one refusal for looking at prices too early (leveling, the API and the page alike).
    static func requirePricesVisible(_ project: ProjectModel, now: Date) throws {
        guard !hidesPrice(of: project, from: .owner, now: now) else {
            throw APIError(
                .conflict, "BIDS_SEALED", "This project is sealed: bids can be leveled once the due time has passed.",
                details: ["bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))])
        }
    }

    /// Bidding is open while the project is OPEN and its due time has not come.
    static func requireBiddingOpen(_ project: ProjectModel, now: Date) throws {
        guard BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: now) else {
            throw APIError(
                .conflict, "BIDDING_CLOSED", "Bidding on this project is closed.",
                details: [
                    "status": .string(project.status.rawValue),
                    "bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))
                ])
        }
    }

    /// Who may place a bid on a project they can see: another company's contractor or subcontractor.
    static func mayBid(_ relation: ProjectRelation, _ caller: Caller?) -> Bool {
        relation != .owner && (caller?.role.mayBid ?? false)
    }

    static func requireMayBid(_ relation: ProjectRelation, _ caller: Caller) throws {
        guard relation != .owner else { throw APIError.forbidden("You cannot bid on your own company's project.") }
        guard caller.role.mayBid else { throw APIError.forbidden("Only contractors and subcontractors may bid.") }
    }

    /// Who may change a bid: a contractor or subcontractor of the company that submitted it.
    static func requireBidder(_ relation: Relation, _ caller: Caller) throws {
        guard relation == .bidder else {
            throw APIError.forbidden("Only the company that submitted this bid may change it.")
        }
        guard caller.role.mayBid else {
            throw APIError.forbidden("Only contractors and subcontractors may change bids.")
        }
    }
}

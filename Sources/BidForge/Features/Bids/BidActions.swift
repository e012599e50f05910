import BidForgeCore
import Fluent
import Foundation

/// Submitting, revising and withdrawing a bid: each rule of a bid stated once, with one error, for the API, the pages
/// and the tests alike. Each action checks access by id, runs its rules and its transaction, and returns the bid with
/// the events it recorded.
enum BidActions {
    /// A bid as stored, with the project's addendum count at that moment (for `staleAddendum`).
    struct Placed: @unchecked Sendable {
        let bid: BidModel
        let addendumCount: Int
    }

    static let bidExists = APIError.conflict(
        "BID_EXISTS", "Your company already has a live bid on this project; revise it instead.")

    /// A new bid on the project `projectId` names. The whole action is one transaction of the fewest statements the
    /// rules need (`BidStatementsTests` counts them): the project, the caller's invitation and company read in one
    /// statement, under a share lock on the project that closing and awarding wait for; the one-live-bid rule left to
    /// the unique index; the invitation marked only when there is one; the monthly allowance one counter upsert.
    static func submit(_ input: BidInput, to projectId: UUID?, by caller: Caller, in context: UseCaseContext)
        async throws -> Outcome<Placed>
    {
        guard let projectId else { throw APIError.notFound("Project") }
        let now = context.now
        do {
            return try await context.write { db in
                let standing = try await BidderStanding.read(projectId, caller: caller, on: db)
                let project = standing.project
                guard let relation = ProjectAccess.relation(of: caller, to: project, invited: standing.invited) else {
                    throw APIError.notFound("Project")
                }
                try BidAccess.requireMayBid(relation, caller)
                let bid = try newBid(input, on: project, by: caller, now: now)
                try BidRules.validate(
                    bid, lineItems: input.lineItems ?? [], exclusions: input.exclusions ?? [], project: project,
                    now: now)
                try BidAccess.requireBiddingOpen(project, now: now)
                guard let company = standing.company else { throw APIError.unauthenticated }
                try await db.insert(bid)  // a second live bid fails here, on the partial unique index: BID_EXISTS
                try await db.insert(BidRevisionModel(snapshotOf: bid, by: caller.userId, now: now))
                if standing.invited {
                    try await InvitationActions.setStatus(
                        .bidSubmitted, projectId: projectId, companyId: caller.companyId, on: db, now: now)
                }
                let event = DomainEvent.bidSubmitted(
                    BidSubmitted(
                        projectId: projectId, projectTitle: project.title, ownerCompanyId: project.companyId,
                        bidId: try bid.requireID(), bidderCompanyId: caller.companyId, bidderName: company.name))
                try await event.record(by: caller.companyId, on: db, now: now)
                // Last before the commit: the month's counter row is the one lock every bid of the company shares, so
                // it is held for one statement, not four (it was the slowest statement of a bid, waiting on that lock).
                let thisMonth = try await BidCounters.increment(caller.companyId, at: now, on: db)
                try PlanLimits.checkOneMore(
                    plan: company.plan, limit: company.plan.maxBidsPerMonth, used: thisMonth - 1,
                    resource: "bids a month")
                return Outcome(value: Placed(bid: bid, addendumCount: project.addendumCount), events: [event])
            }
        } catch  where DatabaseErrors.isUniqueViolation(error) {
            throw bidExists
        }
    }

    /// A new revision of the caller's company's bid `bidId`.
    static func revise(_ bidId: UUID?, with patch: BidPatch, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<Placed>
    {
        let visible = try await ownBid(bidId, by: caller, on: context.db)
        let now = context.now
        return try await context.write { db in
            let (bid, project) = try await lockedForChange(visible, on: db)
            guard bid.status.isRevisable else {
                throw APIError.invalidTransition(from: bid.status.rawValue, action: "revise the bid")
            }
            try BidAccess.requireBiddingOpen(project, now: now)
            if let v = patch.amountCents { bid.amountCents = v }
            if let v = patch.currency { bid.currency = v }
            if let v = patch.notes { bid.notes = v }
            if let v = patch.lineItems { bid.lineItemsJSON = try JSONColumn.encode(v) }
            if let v = patch.exclusions { bid.exclusionsJSON = try JSONColumn.encode(v) }
            if let v = patch.acknowledgedAddendum { bid.acknowledgedAddendum = v }
            if let v = patch.validUntil { bid.validUntil = v }
            try BidRules.validate(
                bid, lineItems: try patch.lineItems ?? bid.lineItems,
                exclusions: try patch.exclusions ?? bid.exclusions,
                project: project, now: now)
            bid.revision += 1
            bid.updatedAt = now
            try await bid.update(on: db)
            try await db.insert(BidRevisionModel(snapshotOf: bid, by: caller.userId, now: now))
            let event = DomainEvent.bidRevised(
                BidRevised(
                    projectId: try project.requireID(), projectTitle: project.title, ownerCompanyId: project.companyId,
                    bidId: try bid.requireID(), bidderCompanyId: bid.companyId, revision: bid.revision))
            try await event.record(by: caller.companyId, on: db, now: now)
            return Outcome(value: Placed(bid: bid, addendumCount: project.addendumCount), events: [event])
        }
    }

    /// Withdraws the caller's company's bid `bidId` while bidding is open; its invitation reads DECLINED.
    static func withdraw(_ bidId: UUID?, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<Placed>
    {
        let visible = try await ownBid(bidId, by: caller, on: context.db)
        let now = context.now
        return try await context.write { db in
            let (bid, project) = try await lockedForChange(visible, on: db)
            guard bid.status.canMove(to: .withdrawn) else {
                throw APIError.invalidTransition(from: bid.status.rawValue, action: "withdraw the bid")
            }
            try BidAccess.requireBiddingOpen(project, now: now)
            bid.status = .withdrawn
            bid.updatedAt = now
            try await bid.update(on: db)
            let projectId = try project.requireID()
            try await InvitationActions.setStatus(
                .declined, projectId: projectId, companyId: caller.companyId, on: db, now: now)
            let event = DomainEvent.bidWithdrawn(
                BidWithdrawn(
                    projectId: projectId, projectTitle: project.title, ownerCompanyId: project.companyId,
                    bidId: try bid.requireID(), bidderCompanyId: bid.companyId))
            try await event.record(by: caller.companyId, on: db, now: now)
            return Outcome(value: Placed(bid: bid, addendumCount: project.addendumCount), events: [event])
        }
    }

    /// The caller's company's bid, for a bidder role to change (404 for others' bids, 403 for the wrong role).
    private static func ownBid(_ id: UUID?, by caller: Caller, on db: any Database) async throws -> BidModel {
        let (bid, _, relation) = try await BidAccess.find(id, caller: caller, on: db)
        try BidAccess.requireBidder(relation, caller)
        return bid
    }

    /// The bid and its project read again under locks: the project shared (closing and awarding wait for the change),
    /// the bid exclusively.
    private static func lockedForChange(_ visible: BidModel, on db: any Database) async throws -> (
        BidModel, ProjectModel
    ) {
        let project = try await ProjectAccess.lockedForShare(visible.projectId, on: db)
        guard let bid = try await db.locked(BidModel.self, id: try visible.requireID()) else {
            throw APIError.notFound("Bid")
        }
        return (bid, project)
    }

    private static func newBid(_ input: BidInput, on project: ProjectModel, by caller: Caller, now: Date) throws
        -> BidModel
    {
        let bid = BidModel()
        bid.id = UUID()
        bid.projectId = try project.requireID()
        bid.companyId = caller.companyId
        bid.submittedBy = caller.userId
        bid.status = .submitted
        bid.amountCents = input.amountCents
        bid.currency = input.currency ?? "USD"
        bid.notes = input.notes ?? ""
        bid.lineItemsJSON = try JSONColumn.encode(input.lineItems ?? [])
        bid.exclusionsJSON = try JSONColumn.encode(input.exclusions ?? [])
        bid.acknowledgedAddendum = input.acknowledgedAddendum ?? 0
        bid.validUntil = input.validUntil
        bid.revision = 1
        bid.createdAt = now
        bid.updatedAt = now
        return bid
    }
}

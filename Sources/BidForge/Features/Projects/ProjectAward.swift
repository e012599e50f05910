import BidForgeCore
import Fluent
import Foundation

extension ProjectActions {
    /// The award: accepts one live bid of a CLOSED project, rejects the other live ones and tells every bidder how it
    /// went (`AwardOutcome`) — all in one transaction.
    static func award(_ projectId: UUID?, bidId: UUID, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<Awarded>
    {
        let now = context.now
        return try await context.write { db in
            let project = try await ProjectAccess.findOwnedForUpdate(projectId, caller: caller, on: db)
            let projectId = try project.requireID()
            guard project.status.canMove(to: .awarded) else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "award")
            }
            let bids = try await BidPartitions.bids(of: project, on: db).all()
            guard let winner = bids.first(where: { $0.id == bidId }) else { throw APIError.notFound("Bid") }
            guard winner.status == .submitted else {
                throw APIError.invalidTransition(from: winner.status.rawValue, action: "award this bid")
            }
            let live = bids.filter { $0.status == .submitted }
            let liveById = Dictionary(uniqueKeysWithValues: try live.map { (try $0.requireID(), $0) })
            guard
                let outcomes = try AwardOutcome.compute(
                    liveBids: live.map {
                        .init(bidId: try $0.requireID().lowercasedString, amountCents: $0.amountCents)
                    },
                    winningBidId: bidId.lowercasedString)
            else { throw APIError.notFound("Bid") }

            try await BidModel.query(on: db).set(\.$status, to: .accepted).set(\.$updatedAt, to: now)
                .filter(\.$id == bidId).update()
            try await BidModel.query(on: db).set(\.$status, to: .rejected).set(\.$updatedAt, to: now)
                .filter(\.$projectId == projectId).filter(\.$status == .submitted).filter(\.$id != bidId).update()
            project.status = .awarded
            project.awardedBidId = bidId
            project.awardedAt = now
            project.updatedAt = now
            try await project.update(on: db)

            let told: [ProjectAwarded.Outcome] = outcomes.compactMap { outcome in
                guard let id = UUID(uuidString: outcome.bidId), let bid = liveById[id] else { return nil }
                return .init(
                    companyId: bid.companyId, bidId: id, won: outcome.won, rank: outcome.rank,
                    bidCount: outcome.bidCount,
                    aboveWinningPct: outcome.aboveWinningPct)
            }
            let bidders = Set(bids.map(\.companyId))
            let invitedWithoutBid = try await InvitationActions.invitedCompanies(projectId, on: db).filter {
                !bidders.contains($0)
            }
            let event = DomainEvent.projectAwarded(
                ProjectAwarded(
                    projectId: projectId, projectTitle: project.title, ownerCompanyId: project.companyId,
                    awardedBidId: bidId,
                    outcomes: told, invitedWithoutBid: invitedWithoutBid))
            try await event.record(by: project.companyId, on: db, now: now)
            return Outcome(value: Awarded(project: project, liveBids: live.count), events: [event])
        }
    }

    struct Awarded: @unchecked Sendable {
        let project: ProjectModel
        /// Bids that were live at the award (the project's bid count from then on).
        let liveBids: Int
    }
}

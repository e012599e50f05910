import Fluent
import Foundation

extension ProjectQueries {
    /// The companies following a project: those invited and those that bid (withdrawn bids too, unless excluded).
    static func audience(of projectId: UUID, includingWithdrawn: Bool, on db: any Database) async throws -> Set<UUID> {
        let invited = try await InvitationActions.invitedCompanies(projectId, on: db)
        let bids = BidModel.query(on: db).filter(\.$projectId == projectId)
        if !includingWithdrawn { bids.filter(\.$status != .withdrawn) }
        return Set(invited).union(try await bids.all().map(\.companyId))
    }
}

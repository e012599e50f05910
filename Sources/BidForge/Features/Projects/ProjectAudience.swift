import Fluent
import Foundation
import SQLKit

extension ProjectQueries {
    /// The companies following a project: those invited and those that bid (withdrawn bids too, unless excluded).
    static func audience(of projectId: UUID, includingWithdrawn: Bool, on db: any Database) async throws -> Set<UUID> {
        let invited = try await InvitationActions.invitedCompanies(projectId, on: db)
        // On PostgreSQL from the bids' keys (one unpartitioned index, no year of bids), else from the bids.
        let statement: SQLQueryString =
            db.isPostgres
            ? "SELECT company_id FROM bid_keys WHERE project_id = \(bind: projectId)"
                + (includingWithdrawn ? "" : " AND counted")
            : "SELECT company_id FROM bids WHERE project_id = \(bind: projectId)"
                + (includingWithdrawn ? "" : " AND status <> 'WITHDRAWN'")
        let bidders = try await db.sql.raw(statement).all().map { try $0.decode(column: "company_id", as: UUID.self) }
        return Set(invited).union(bidders)
    }
}

import BidForgeCore
import Fluent
import Foundation
import SQLKit

/// What a new bid needs to know before it is written, read in one statement of its transaction: the project under a
/// share lock (closing and awarding wait for the bid, and it for them), whether the bidder's company holds an
/// invitation to it, and that company's name and plan.
struct BidderStanding: @unchecked Sendable {
    struct Company {
        let name: String
        let plan: Plan
    }

    let project: ProjectModel
    let invited: Bool
    /// Nil when the caller's company no longer exists.
    let company: Company?

    static func read(_ projectId: UUID, caller: Caller, on db: any Database) async throws -> BidderStanding {
        let lock: SQLQueryString = db.isPostgres ? " FOR SHARE OF p" : ""
        let statement: SQLQueryString =
            "SELECT p.*, CASE WHEN " + ProjectAccess.invitedCondition(caller.companyId)
            + " THEN 1 ELSE 0 END AS bidder_invited, c.name AS bidder_company_name, c.plan AS bidder_company_plan "
            + "FROM projects p LEFT JOIN companies c ON c.id = \(bind: caller.companyId) WHERE p.id = \(bind: projectId)"
            + lock
        guard let row = try await db.sql.raw(statement).first() else { throw APIError.notFound("Project") }
        let name = try row.decode(column: "bidder_company_name", as: String?.self)
        let plan = try row.decode(column: "bidder_company_plan", as: String?.self).flatMap(Plan.init(rawValue:))
        return BidderStanding(
            project: try row.decodeModel(ProjectModel.self),
            invited: try row.decode(column: "bidder_invited", as: Int.self) != 0,
            company: name.flatMap { name in plan.map { Company(name: name, plan: $0) } })
    }
}

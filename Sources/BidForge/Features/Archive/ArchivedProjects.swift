import BidForgeCore
import Fluent
import Foundation
import SQLKit
import Vapor

/// Reading an archived project (PostgreSQL): the slower path the API falls back to when a project is no longer live.
/// Only the companies it concerned see it — its owner, and a company that bid on it or was invited — never the
/// public: an archived project is out of every listing, and 404 to everyone else, like any project one may not see.
enum ArchivedProjects {
    /// The project the route's `projectID` names: live when the caller may see it (`ProjectAccess.load`), else archived
    /// when it concerned them, else the live lookup's own 404. The one fallback every route that reads a finished
    /// project shares.
    static func load(_ req: Request, caller: Caller?) async throws -> (
        project: ProjectModel, relation: ProjectRelation, archived: Bool
    ) {
        do {
            let (project, relation) = try await ProjectAccess.load(req, caller: caller)
            return (project, relation, false)
        } catch let error as APIError where error.status == .notFound {
            guard let id = req.parameters.get("projectID", as: UUID.self),
                let (project, relation) = try await find(id, caller: caller, on: req.db)
            else { throw error }
            return (project, relation, true)
        }
    }

    /// The archived project `id`, with how the caller stands towards it; nil when there is none or they may not see it.
    static func find(_ id: UUID, caller: Caller?, on db: any Database) async throws -> (ProjectModel, ProjectRelation)?
    {
        guard db.isPostgres, let caller else { return nil }
        let sql = db.sql
        guard
            let project = try await sql.raw("SELECT * FROM archived_projects WHERE id = \(bind: id)").first()?
                .decodeModel(ProjectModel.self)
        else { return nil }
        if project.companyId == caller.companyId { return (project, .owner) }
        guard ProjectAccess.isPublished(project) else { return nil }
        let concerned = try await sql.raw(
            """
            SELECT 1 AS found WHERE EXISTS (SELECT 1 FROM archived_bids WHERE project_id = \(bind: id) \
            AND company_id = \(bind: caller.companyId)) OR EXISTS (SELECT 1 FROM archived_invitations \
            WHERE project_id = \(bind: id) AND company_id = \(bind: caller.companyId))
            """
        ).first()
        return concerned == nil ? nil : (project, .invited)
    }

    /// The bid the route's `bidID` names: live when the caller may see it (`BidAccess.load`), else archived when it is
    /// the caller's bid or on the caller's project, else the live lookup's own 404.
    static func loadBid(_ req: Request, caller: Caller) async throws -> (
        bid: BidModel, project: ProjectModel, relation: BidAccess.Relation, archived: Bool
    ) {
        do {
            let (bid, project, relation) = try await BidAccess.load(req, caller: caller)
            return (bid, project, relation, false)
        } catch let error as APIError where error.status == .notFound {
            guard req.db.isPostgres, let id = req.parameters.get("bidID", as: UUID.self) else { throw error }
            let sql = req.db.sql
            guard
                let bid = try await sql.raw("SELECT * FROM archived_bids WHERE id = \(bind: id)").first()?
                    .decodeModel(BidModel.self),
                let project = try await sql.raw("SELECT * FROM archived_projects WHERE id = \(bind: bid.projectId)")
                    .first()?.decodeModel(ProjectModel.self)
            else { throw error }
            guard let relation = BidAccess.relation(of: caller, to: bid, on: project) else { throw error }
            return (bid, project, relation, true)
        }
    }

    /// An archived bid's revisions, oldest first, and how many there are.
    static func revisions(of bidID: UUID, paging: Paging, on db: any Database) async throws -> (
        rows: [BidRevisionModel], total: Int
    ) {
        let sql = db.sql
        let total =
            try await sql.raw("SELECT count(*) AS n FROM archived_bid_revisions WHERE bid_id = \(bind: bidID)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw(
            """
            SELECT * FROM archived_bid_revisions WHERE bid_id = \(bind: bidID) ORDER BY revision \
            LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)
            """
        ).all()
        return (try rows.map { try $0.decodeModel(BidRevisionModel.self) }, total)
    }

    /// Its bids that are not withdrawn.
    static func bidCount(_ id: UUID, on db: any Database) async throws -> Int {
        try await db.sql.raw(
            "SELECT count(*) AS n FROM archived_bids WHERE project_id = \(bind: id) AND status <> 'WITHDRAWN'"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Its bids as the caller may see them (the owner every bid, a bidder its own), oldest first, with each bidder's
    /// company name; and how many there are.
    static func bids(
        of project: ProjectModel, relation: ProjectRelation, caller: Caller, paging: Paging, on db: any Database
    ) async throws -> (rows: [(bid: BidModel, companyName: String)], total: Int) {
        let sql = db.sql
        let id = try project.requireID()
        let own: SQLQueryString = relation == .owner ? "" : " AND b.company_id = \(bind: caller.companyId)"
        let total =
            try await sql.raw("SELECT count(*) AS n FROM archived_bids b WHERE b.project_id = \(bind: id)" + own)
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let rows = try await sql.raw(
            "SELECT b.*, c.name AS bidder_company_name FROM archived_bids b JOIN companies c ON c.id = b.company_id "
                + "WHERE b.project_id = \(bind: id)" + own
                + " ORDER BY b.created_at, b.id LIMIT \(bind: paging.limit) OFFSET \(bind: paging.offset)"
        ).all()
        return (
            try rows.map {
                (try $0.decodeRow(BidModel.self), try $0.decode(column: "bidder_company_name", as: String.self))
            }, total
        )
    }
}

import BidForgeCore
import Fluent
import Vapor

struct BidsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.POST, "projects", ":projectID", "bids", use: submit)
        routes.authed(.GET, "projects", ":projectID", "bids", use: listForProject)
        routes.authed(.GET, "bids", use: mine)
        routes.authed(.PATCH, "bids", ":bidID", use: revise)
        routes.authed(.POST, "bids", ":bidID", "withdraw", use: withdraw)
        routes.authed(.GET, "bids", ":bidID", "revisions", use: revisions)
    }

    func submit(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let input = try req.decodeJSON(BidInput.self)
            let placed = try await BidActions.submit(
                input, to: req.parameters.get("projectID", as: UUID.self), by: caller,
                in: req.useCases
            ).value
            return try Response.json(
                .created, try BidDTO(placed.bid, addendumCount: placed.addendumCount, withWarnings: true))
        }
    }

    func listForProject(_ req: Request, _ caller: Caller) async throws -> CachedJSON<Page<BidDTO>> {
        let paging = try req.paging()
        let (project, relation, archived) = try await ArchivedProjects.load(req, caller: caller)
        let rows: [(bid: BidModel, companyName: String)]
        let total: Int
        if archived {
            // No longer live: the archive's bids, for the companies it concerned (a slower path).
            (rows, total) = try await ArchivedProjects.bids(
                of: project, relation: relation, caller: caller, paging: paging, on: req.db)
        } else {
            let query = try BidPartitions.bids(of: project, on: req.db)
                .join(CompanyModel.self, on: \BidModel.$companyId == \CompanyModel.$id)
            if relation != .owner { query.filter(\.$companyId == caller.companyId) }
            let page = try await query.sort(\.$createdAt).sort(\.$id).page(paging)
            rows = try page.rows.map { ($0, try $0.joined(CompanyModel.self).name) }
            total = page.total
        }
        // Live or archived alike: a sealed project closed or cancelled before its due time keeps its prices hidden.
        let hide = BidAccess.hidesPrice(of: project, from: relation, now: req.now)
        let items = try rows.map {
            try BidDTO($0.bid, addendumCount: project.addendumCount, hidePrice: hide, companyName: $0.companyName)
        }
        return CachedJSON(Page(items, paging, total: total))
    }

    func mine(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<BidDTO>> {
        if let mine = req.queryParameters["mine"], mine != "true" {
            throw APIError.validation("mine", "only mine=true is supported: a company sees its own bids")
        }
        let paging = try req.paging()
        let query = BidModel.query(on: req.db).filter(\.$companyId == caller.companyId)
            .join(ProjectModel.self, on: \BidModel.$projectId == \ProjectModel.$id)
        if let status = req.queryParameters["status"] {
            guard let parsed = BidStatus(rawValue: status) else {
                throw APIError.validation("status", "is not a bid status")
            }
            query.filter(\.$status == parsed)
        }
        let (rows, total) = try await query.sort(\.$createdAt, .descending).sort(\.$id).page(paging)
        let items = try rows.map { row in
            let project = try row.joined(ProjectModel.self)
            return try BidDTO(row, addendumCount: project.addendumCount, project: project)
        }
        return JSONResponse(Page(items, paging, total: total))
    }

    func revise(_ req: Request, _ caller: Caller) async throws -> JSONResponse<BidDTO> {
        let patch = try req.decodeJSON(BidPatch.self)
        let placed = try await BidActions.revise(
            req.parameters.get("bidID", as: UUID.self), with: patch, by: caller, in: req.useCases
        ).value
        return JSONResponse(try BidDTO(placed.bid, addendumCount: placed.addendumCount, withWarnings: true))
    }

    func withdraw(_ req: Request, _ caller: Caller) async throws -> JSONResponse<BidDTO> {
        let placed = try await BidActions.withdraw(
            req.parameters.get("bidID", as: UUID.self), by: caller, in: req.useCases
        ).value
        return JSONResponse(try BidDTO(placed.bid, addendumCount: placed.addendumCount))
    }

    func revisions(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<BidRevisionDTO>> {
        let (bid, project, relation, archived) = try await ArchivedProjects.loadBid(req, caller: caller)
        let paging = try req.paging()
        let hide = relation == .projectOwner && BidAccess.hidesPrice(of: project, from: .owner, now: req.now)
        let (rows, total) =
            archived
            ? try await ArchivedProjects.revisions(of: try bid.requireID(), paging: paging, on: req.db)
            : try await BidRevisionModel.query(on: req.db).filter(\.$bidId == (try bid.requireID()))
                .sort(\.$revision).page(paging)
        return JSONResponse(Page(try rows.map { try BidRevisionDTO($0, hidePrice: hide) }, paging, total: total))
    }
}

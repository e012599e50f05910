import BidForgeCore
import Fluent
import Vapor

struct LevelingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.GET, "projects", ":projectID", "bids", "leveling", use: level)
        routes.authed(.POST, "projects", ":projectID", "award", use: award)
    }

    func level(_ req: Request, _ caller: Caller) async throws -> Response {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        try BidAccess.requirePricesVisible(project, now: req.now)
        let format = req.queryParameters["format"] ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.validation("format", "must be json or csv") }
        let sheet = try await LevelingSheets.sheet(for: project, on: req.db)
        if format == "csv" { return try LevelingSheets.csv(sheet, of: project) }
        return try Response.json(.ok, sheet)
    }

    struct AwardInput: Decodable { var bidId: UUID }

    func award(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        let input = try req.decodeJSON(AwardInput.self)
        let awarded = try await ProjectActions.award(req.projectID, bidId: input.bidId, by: caller, in: req.useCases)
            .value
        return JSONResponse(try ProjectDTO(awarded.project, bidCount: awarded.liveBids))
    }
}

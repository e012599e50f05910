import Vapor
import BidForgeCore

struct TradesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("trades", use: list)
    }

    func list(_ req: Request) async throws -> JSONResponse<Page<Trade>> {
        let paging = try req.paging(defaultLimit: Paging.maxLimit)
        let items = Array(Trades.all.dropFirst(paging.offset).prefix(paging.limit))
        return JSONResponse(Page(items, paging, total: Trades.all.count))
    }
}

import BidForgeCore
import Vapor

struct TradesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("trades", use: list)
    }

    func list(_ req: Request) async throws -> Response {
        let paging = try req.paging(defaultLimit: Paging.maxLimit)
        let build: @Sendable () async throws -> [UInt8] = {
            let items = Array(Trades.all.dropFirst(paging.offset).prefix(paging.limit))
            return Array(try JSONCoding.encoder.encode(Page(items, paging, total: Trades.all.count)))
        }
        // The list never changes while the process runs; caching spares encoding it on every call.
        let bytes = try await req.application.cached(
            "trades", key: "\(paging.page)/\(paging.limit)", scopes: [], build: build)
        return try await CachedJSONBytes(bytes: bytes).encodeResponse(for: req)
    }
}

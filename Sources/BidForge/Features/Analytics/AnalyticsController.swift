import BidForgeCore
import Fluent
import Vapor

struct CompanyAnalyticsDTO: Encodable, Sendable {
    struct TradeRow: Encodable, Sendable {
        let trade: String
        let bidsSubmitted: Int
        let bidsWon: Int
    }
    let from: Date?
    let to: Date?
    let bidsSubmitted: Int
    let bidsWon: Int
    let winRate: Double
    @NullEncoded var avgDeltaToWinnerPct: Double?
    let projectsPosted: Int
    @NullEncoded var avgBidsPerProject: Double?
    @NullEncoded var avgHoursToAward: Double?
    let byTrade: [TradeRow]
}

struct AnalyticsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.GET, "analytics", "company", use: company)
    }

    func company(_ req: Request, _ caller: Caller) async throws -> Response {
        var errors = ValidationErrors()
        func date(_ name: String) -> Date? {
            guard let raw = req.queryParameters[name] else { return nil }
            guard let parsed = JSONCoding.parseDate(raw) else {
                errors.add(name, "must be an ISO-8601 time such as 2026-11-26T19:00:00Z")
                return nil
            }
            return parsed
        }
        let from = date("from"), to = date("to")
        if let from, let to, from > to { errors.add("to", "must not be before from") }
        try errors.throwIfAny()
        let context = req.useCases, companyId = caller.companyId
        let build: @Sendable () async throws -> [UInt8] = {
            let report = try await context.read(Self.reads) { db in
                try await Self.report(companyId: companyId, from: from, to: to, on: db)
            }
            return Array(try JSONCoding.encoder.encode(report))
        }
        // The slowest read there is: kept in every tier, the object store included, for ten minutes at most.
        let key =
            companyId.uuidString + "|" + (from.map(JSONCoding.formatDate) ?? "") + "|"
            + (to.map(JSONCoding.formatDate) ?? "")
        let bytes = try await req.application.cached(
            "analytics", key: key, scopes: [CacheScope.analytics(companyId)],
            ttl: 600, objectStore: true, build: build)
        return try await CachedJSONBytes(bytes: bytes).encodeResponse(for: req)
    }

    /// Analytics summarise the past: a replica serves them once it has the caller's own last write.
    static let reads = ReadConsistency.callersWrites

    static func report(companyId: UUID, from: Date?, to: Date?, on db: any Database) async throws -> CompanyAnalyticsDTO
    {
        // Our bids in the window, with their projects.
        let bidQuery = BidModel.query(on: db).filter(\.$companyId == companyId)
            .join(ProjectModel.self, on: \BidModel.$projectId == \ProjectModel.$id)
        if let from { bidQuery.filter(\.$createdAt >= from) }
        if let to { bidQuery.filter(\.$createdAt <= to) }
        let bids = try await bidQuery.all()
        let projectsOfBids = try bids.map { try $0.joined(ProjectModel.self) }
        let awardedIds = Set(projectsOfBids.compactMap(\.awardedBidId))
        let winners =
            awardedIds.isEmpty ? [] : try await BidModel.query(on: db).filter(\.$id ~~ Array(awardedIds)).all()
        let winningAmount = Dictionary(uniqueKeysWithValues: winners.map { ($0.projectId, $0.amountCents) })

        let won = bids.filter { $0.status == .accepted }.count
        let deltas = bids.filter { $0.status == .rejected }.compactMap { bid -> Double? in
            guard let winning = winningAmount[bid.projectId] else { return nil }
            return Money.percent(bid.amountCents - winning, of: winning)
        }
        var byTrade: [String: (submitted: Int, won: Int)] = [:]
        for (bid, project) in zip(bids, projectsOfBids) {
            let lineItems = try bid.lineItems
            let trades = Set(lineItems.map(\.trade)).union(lineItems.isEmpty ? Set(project.trades) : [])
            for trade in trades {
                byTrade[trade, default: (0, 0)].submitted += 1
                if bid.status == .accepted { byTrade[trade, default: (0, 0)].won += 1 }
            }
        }

        // Projects we posted (published) in the window.
        let projectQuery = ProjectModel.query(on: db).filter(\.$companyId == companyId).filter(\.$publishedAt != nil)
        if let from { projectQuery.filter(\.$createdAt >= from) }
        if let to { projectQuery.filter(\.$createdAt <= to) }
        let projects = try await projectQuery.all()
        let projectIds = projects.compactMap(\.id)
        let liveBidsOnOurs =
            projectIds.isEmpty
            ? 0
            : try await BidModel.query(on: db)
                .filter(\.$projectId ~~ projectIds).filter(\.$status != .withdrawn).count()
        let hoursToAward = projects.compactMap { p -> Double? in
            guard let awarded = p.awardedAt, let published = p.publishedAt else { return nil }
            return awarded.timeIntervalSince(published) / 3600
        }

        func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
        return CompanyAnalyticsDTO(
            from: from, to: to,
            bidsSubmitted: bids.count,
            bidsWon: won,
            winRate: bids.isEmpty ? 0 : (Double(won) / Double(bids.count) * 10_000).rounded() / 10_000,
            avgDeltaToWinnerPct: deltas.isEmpty ? nil : round2(deltas.reduce(0, +) / Double(deltas.count)),
            projectsPosted: projects.count,
            avgBidsPerProject: projects.isEmpty ? nil : round2(Double(liveBidsOnOurs) / Double(projects.count)),
            avgHoursToAward: hoursToAward.isEmpty
                ? nil : round2(hoursToAward.reduce(0, +) / Double(hoursToAward.count)),
            byTrade: byTrade.keys.sorted().map {
                CompanyAnalyticsDTO.TradeRow(
                    trade: $0, bidsSubmitted: byTrade[$0]!.submitted, bidsWon: byTrade[$0]!.won)
            }
        )
    }
}

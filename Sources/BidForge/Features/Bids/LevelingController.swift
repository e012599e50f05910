import Vapor
import Fluent
import BidForgeCore

struct LevelingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.GET, "projects", ":projectID", "bids", "leveling", use: level)
        routes.authed(.POST, "projects", ":projectID", "award", use: award)
    }

    func level(_ req: Request, _ caller: Caller) async throws -> Response {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        if BidAccess.hidesPrice(of: project, from: .owner, now: req.now) {
            throw APIError(.conflict, "BIDS_SEALED", "This project is sealed: bids can be leveled once the due time has passed.",
                           details: ["bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))])
        }
        let format = req.queryParameters["format"] ?? "json"
        guard format == "json" || format == "csv" else { throw APIError.validation("format", "must be json or csv") }
        let sheet = try await Self.sheet(for: project, on: req.db)
        if format == "csv" { return Self.csv(sheet, of: project) }
        return try Response.json(.ok, sheet)
    }

    static func csv(_ sheet: Leveling.Sheet, of project: ProjectModel) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(name: .contentDisposition, value: "attachment; filename=\"leveling-\(project.id!.uuidString.lowercased()).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: Leveling.csv(sheet)))
    }

    static func sheet(for project: ProjectModel, on db: any Database) async throws -> Leveling.Sheet {
        let rows = try await BidModel.query(on: db).filter(\.$projectId == project.id!).filter(\.$status != .withdrawn)
            .join(CompanyModel.self, on: \BidModel.$companyId == \CompanyModel.$id)
            .sort(\.$createdAt).sort(\.$id).all()
        let inputs = try rows.map { bid in
            Leveling.Input(bidId: (try bid.requireID()).lowercasedString, companyId: bid.companyId.lowercasedString,
                           companyName: try bid.joined(CompanyModel.self).name, amountCents: bid.amountCents,
                           lineItems: bid.lineItems, exclusions: bid.exclusions, acknowledgedAddendum: bid.acknowledgedAddendum)
        }
        return Leveling.level(inputs, projectTrades: project.trades, addendumCount: project.addendumCount)
    }

    struct AwardInput: Decodable { var bidId: UUID }

    /// Accepts one bid, rejects the other live ones and tells every bidder how it went — all in one transaction.
    func award(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await award(req, caller, bidId: try req.decodeJSON(AwardInput.self).bidId)
    }

    /// The award itself, for the API and the web page alike.
    func award(_ req: Request, _ caller: Caller, bidId: UUID) async throws -> JSONResponse<ProjectDTO> {
        let input = AwardInput(bidId: bidId)
        let now = req.now
        let (project, count) = try await req.write { db -> (ProjectModel, Int) in
            let project = try await ProjectAccess.loadOwnedForUpdate(req, caller: caller, on: db)
            guard project.status.canMove(to: .awarded) else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "award")
            }
            let bids = try await BidModel.query(on: db).filter(\.$projectId == project.id!).all()
            guard let winner = bids.first(where: { $0.id == input.bidId }) else { throw APIError.notFound("Bid") }
            guard winner.status == .submitted else {
                throw APIError.invalidTransition(from: winner.status.rawValue, action: "award this bid")
            }
            let live = bids.filter { $0.status == .submitted }
            guard let outcomes = try AwardOutcome.compute(
                liveBids: live.map { .init(bidId: (try $0.requireID()).lowercasedString, amountCents: $0.amountCents) },
                winningBidId: (try winner.requireID()).lowercasedString) else { throw APIError.notFound("Bid") }

            try await BidModel.query(on: db).set(\.$status, to: .accepted).set(\.$updatedAt, to: now)
                .filter(\.$id == winner.id!).update()
            try await BidModel.query(on: db).set(\.$status, to: .rejected).set(\.$updatedAt, to: now)
                .filter(\.$projectId == project.id!).filter(\.$status == .submitted).filter(\.$id != winner.id!).update()
            project.status = .awarded
            project.awardedBidId = winner.id
            project.awardedAt = now
            project.updatedAt = now
            try await project.update(on: db)

            let byId = Dictionary(uniqueKeysWithValues: try live.map { ((try $0.requireID()).lowercasedString, $0) })
            let projectId = JSONValue.string((try project.requireID()).lowercasedString)
            var drafts: [NotificationDraft] = outcomes.compactMap { outcome in
                guard let bid = byId[outcome.bidId] else { return nil }
                if outcome.won {
                    return NotificationDraft(
                        companyIds: [bid.companyId], type: .bidAccepted, title: "You won \(project.title)",
                        body: "Your bid was accepted.",
                        data: ["projectId": projectId, "bidId": .string(outcome.bidId), "bidCount": .int(Int64(outcome.bidCount))])
                }
                return NotificationDraft(
                    companyIds: [bid.companyId], type: .bidRejected, title: "\(project.title) was awarded to another bidder",
                    body: "Your bid ranked \(outcome.rank) of \(outcome.bidCount), \(outcome.aboveWinningPct)% above the winning amount.",
                    data: ["projectId": projectId, "bidId": .string(outcome.bidId), "rank": .int(Int64(outcome.rank)),
                           "bidCount": .int(Int64(outcome.bidCount)), "aboveWinningPct": .double(outcome.aboveWinningPct)])
            }
            let bidders = Set(bids.map(\.companyId))
            let invitedOnly = try await InvitationModel.query(on: db).filter(\.$projectId == project.id!).all()
                .map(\.companyId).filter { !bidders.contains($0) }
            if !invitedOnly.isEmpty {
                drafts.append(NotificationDraft(
                    companyIds: invitedOnly, type: .projectAwarded, title: "\(project.title) has been awarded",
                    body: "The project you were invited to has been awarded.",
                    data: ["projectId": .string((try project.requireID()).lowercasedString)]))
            }
            let told = Array(Set(drafts.flatMap(\.companyIds)))
            try await Outbox.record(DomainEvent(
                type: .projectAwarded,
                data: ["projectId": .string((try project.requireID()).lowercasedString), "status": .string(project.status.rawValue),
                       "awardedBidId": .string((try winner.requireID()).lowercasedString)],
                notifications: drafts, push: [Push(type: "project.updated", companyIds: told)]), by: project.companyId, on: db, now: now)
            return (project, live.count)
        }
        return JSONResponse(ProjectDTO(project, bidCount: count))
    }
}

import Vapor
import Fluent
import BidForgeCore

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
        let (visible, relation) = try await ProjectAccess.load(req, caller: caller)
        guard relation != .owner else { throw APIError.forbidden("You cannot bid on your own company's project.") }
        guard caller.role.mayBid else { throw APIError.forbidden("Only contractors and subcontractors may bid.") }
        return try await req.idempotent(caller) {
            let (bid, addendumCount) = try await Self.submit(try req.decodeJSON(BidInput.self), on: visible, by: caller, req: req)
            return try Response.json(.created, BidDTO(bid, addendumCount: addendumCount, withWarnings: true))
        }
    }

    /// A new bid, for the API and the web form alike; also returns the project's addendum count at that moment.
    static func submit(_ input: BidInput, on visible: ProjectModel, by caller: Caller, req: Request) async throws -> (BidModel, Int) {
        let now = req.now
        do {
            return try await req.write { db -> (BidModel, Int) in
                try await db.lockForShare("projects", id: visible.id!)
                guard let project = try await ProjectModel.find(visible.id!, on: db) else { throw APIError.notFound("Project") }
                let bid = BidModel()
                bid.id = UUID()
                bid.projectId = project.id!
                bid.companyId = caller.companyId
                bid.submittedBy = caller.userId
                bid.status = .submitted
                bid.amountCents = input.amountCents
                bid.currency = input.currency ?? "USD"
                bid.notes = input.notes ?? ""
                bid.lineItemsJSON = JSONColumn.encode(input.lineItems ?? [])
                bid.exclusionsJSON = JSONColumn.encode(input.exclusions ?? [])
                bid.acknowledgedAddendum = input.acknowledgedAddendum ?? 0
                bid.validUntil = input.validUntil
                bid.revision = 1
                bid.createdAt = now
                bid.updatedAt = now
                try BidRules.validate(bid, lineItems: input.lineItems ?? [], exclusions: input.exclusions ?? [],
                                      project: project, now: now)
                try BidAccess.requireBiddingOpen(project, now: now)

                try await db.lockForUpdate("companies", id: caller.companyId)
                if try await BidModel.query(on: db).filter(\.$projectId == project.id!)
                    .filter(\.$companyId == caller.companyId).filter(\.$status == .submitted).first() != nil {
                    throw Self.bidExists
                }
                guard let company = try await CompanyModel.find(caller.companyId, on: db) else { throw APIError.unauthenticated }
                if let limit = company.plan.maxBidsPerMonth {
                    let used = try await BidModel.query(on: db).filter(\.$companyId == caller.companyId)
                        .filter(\.$createdAt >= CalendarMonth.start(of: now)).count()
                    try PlanLimits.checkOneMore(plan: company.plan, limit: limit, used: used, resource: "bids a month")
                }
                try await bid.create(on: db)
                try await BidRevisionModel(snapshotOf: bid, by: caller.userId, now: now).create(on: db)
                try await InvitationsController.setStatus(.bidSubmitted, projectId: project.id!, companyId: caller.companyId, on: db, now: now)
                let data: [String: JSONValue] = ["projectId": .string((try project.requireID()).lowercasedString), "bidId": .string((try bid.requireID()).lowercasedString),
                                                 "companyId": .string(caller.companyId.lowercasedString)]
                try await Outbox.record(DomainEvent(
                    type: .bidSubmitted, data: data,
                    notifications: [NotificationDraft(companyIds: [project.companyId], type: .bidSubmitted,
                                                      title: "New bid on \(project.title)", body: "\(company.name) submitted a bid.", data: data)],
                    push: [Push(type: "bid.submitted", companyIds: [project.companyId])]), by: caller.companyId, on: db, now: now)
                return (bid, project.addendumCount)
            }
        } catch where DatabaseErrors.isUniqueViolation(error) {
            throw Self.bidExists
        }
    }

    static let bidExists = APIError.conflict("BID_EXISTS", "Your company already has a live bid on this project; revise it instead.")

    func listForProject(_ req: Request, _ caller: Caller) async throws -> CachedJSON<Page<BidDTO>> {
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        let paging = try req.paging()
        let query = BidModel.query(on: req.db).filter(\.$projectId == project.id!)
            .join(CompanyModel.self, on: \BidModel.$companyId == \CompanyModel.$id)
        if relation != .owner { query.filter(\.$companyId == caller.companyId) }
        let (rows, total) = try await query.sort(\.$createdAt).sort(\.$id).page(paging)
        let hide = BidAccess.hidesPrice(of: project, from: relation, now: req.now)
        let items = try rows.map {
            BidDTO($0, addendumCount: project.addendumCount, hidePrice: hide, companyName: try $0.joined(CompanyModel.self).name)
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
            guard let parsed = BidStatus(rawValue: status) else { throw APIError.validation("status", "is not a bid status") }
            query.filter(\.$status == parsed)
        }
        let (rows, total) = try await query.sort(\.$createdAt, .descending).sort(\.$id).page(paging)
        let items = try rows.map { row in
            let project = try row.joined(ProjectModel.self)
            return BidDTO(row, addendumCount: project.addendumCount, project: project)
        }
        return JSONResponse(Page(items, paging, total: total))
    }

    func revise(_ req: Request, _ caller: Caller) async throws -> JSONResponse<BidDTO> {
        let (visible, _, relation) = try await BidAccess.load(req, caller: caller)
        try Self.requireBidder(relation, caller)
        let (bid, addendumCount) = try await Self.revise(visible, with: try req.decodeJSON(BidPatch.self), by: caller, req: req)
        return JSONResponse(BidDTO(bid, addendumCount: addendumCount, withWarnings: true))
    }

    /// A new revision of `visible` (already checked to be the caller's own bid): the API's PATCH and the page's form.
    static func revise(_ visible: BidModel, with patch: BidPatch, by caller: Caller, req: Request) async throws -> (BidModel, Int) {
        let now = req.now
        return try await req.write { db -> (BidModel, Int) in
            try await db.lockForShare("projects", id: visible.projectId)
            try await db.lockForUpdate("bids", id: visible.id!)
            guard let bid = try await BidModel.find(visible.id!, on: db),
                  let project = try await ProjectModel.find(bid.projectId, on: db) else { throw APIError.notFound("Bid") }
            guard bid.status.isRevisable else { throw APIError.invalidTransition(from: bid.status.rawValue, action: "revise the bid") }
            try BidAccess.requireBiddingOpen(project, now: now)
            if let v = patch.amountCents { bid.amountCents = v }
            if let v = patch.currency { bid.currency = v }
            if let v = patch.notes { bid.notes = v }
            if let v = patch.lineItems { bid.lineItemsJSON = JSONColumn.encode(v) }
            if let v = patch.exclusions { bid.exclusionsJSON = JSONColumn.encode(v) }
            if let v = patch.acknowledgedAddendum { bid.acknowledgedAddendum = v }
            if let v = patch.validUntil { bid.validUntil = v }
            try BidRules.validate(bid, lineItems: patch.lineItems ?? bid.lineItems, exclusions: patch.exclusions ?? bid.exclusions,
                                  project: project, now: now)
            bid.revision += 1
            bid.updatedAt = now
            try await bid.update(on: db)
            try await BidRevisionModel(snapshotOf: bid, by: caller.userId, now: now).create(on: db)
            let data: [String: JSONValue] = ["projectId": .string((try project.requireID()).lowercasedString), "bidId": .string((try bid.requireID()).lowercasedString),
                                             "revision": .int(Int64(bid.revision))]
            try await Outbox.record(DomainEvent(type: .bidRevised, data: data, notifications: [NotificationDraft(
                companyIds: [project.companyId], type: .bidRevised,
                title: "Bid revised on \(project.title)", body: "A bidder revised its bid (revision \(bid.revision)).", data: data
            )]), by: caller.companyId, on: db, now: now)
            return (bid, project.addendumCount)
        }
    }

    func withdraw(_ req: Request, _ caller: Caller) async throws -> JSONResponse<BidDTO> {
        let (visible, _, relation) = try await BidAccess.load(req, caller: caller)
        try Self.requireBidder(relation, caller)
        let (bid, addendumCount) = try await Self.withdraw(visible, by: caller, req: req)
        return JSONResponse(BidDTO(bid, addendumCount: addendumCount))
    }

    static func withdraw(_ visible: BidModel, by caller: Caller, req: Request) async throws -> (BidModel, Int) {
        let now = req.now
        return try await req.write { db -> (BidModel, Int) in
            try await db.lockForShare("projects", id: visible.projectId)
            try await db.lockForUpdate("bids", id: visible.id!)
            guard let bid = try await BidModel.find(visible.id!, on: db),
                  let project = try await ProjectModel.find(bid.projectId, on: db) else { throw APIError.notFound("Bid") }
            guard bid.status.canMove(to: .withdrawn) else {
                throw APIError.invalidTransition(from: bid.status.rawValue, action: "withdraw the bid")
            }
            try BidAccess.requireBiddingOpen(project, now: now)
            bid.status = .withdrawn
            bid.updatedAt = now
            try await bid.update(on: db)
            try await InvitationsController.setStatus(.declined, projectId: project.id!, companyId: caller.companyId, on: db, now: now)
            let data: [String: JSONValue] = ["projectId": .string((try project.requireID()).lowercasedString), "bidId": .string((try bid.requireID()).lowercasedString)]
            try await Outbox.record(DomainEvent(type: .bidWithdrawn, data: data, notifications: [NotificationDraft(
                companyIds: [project.companyId], type: .bidWithdrawn,
                title: "Bid withdrawn on \(project.title)", body: "A bidder withdrew its bid.", data: data
            )]), by: caller.companyId, on: db, now: now)
            return (bid, project.addendumCount)
        }
    }

    func revisions(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<BidRevisionDTO>> {
        let (bid, project, relation) = try await BidAccess.load(req, caller: caller)
        let paging = try req.paging()
        let hide = relation == .projectOwner && BidAccess.hidesPrice(of: project, from: .owner, now: req.now)
        let query = BidRevisionModel.query(on: req.db).filter(\.$bidId == bid.id!)
        let (rows, total) = try await query.sort(\.$revision).page(paging)
        return JSONResponse(Page(rows.map { BidRevisionDTO($0, hidePrice: hide) }, paging, total: total))
    }

    static func requireBidder(_ relation: BidAccess.Relation, _ caller: Caller) throws {
        guard relation == .bidder else { throw APIError.forbidden("Only the company that submitted this bid may change it.") }
        guard caller.role.mayBid else { throw APIError.forbidden("Only contractors and subcontractors may change bids.") }
    }
}

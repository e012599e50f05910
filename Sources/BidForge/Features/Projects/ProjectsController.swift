import Vapor
import Fluent
import BidForgeCore

struct ProjectsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let projects = routes.grouped("projects")
        projects.get(use: list)
        projects.authed(.POST, use: create)
        projects.get(":projectID", use: show)
        projects.authed(.PATCH, ":projectID", use: update)
        projects.authed(.POST, ":projectID", "publish", use: publish)
        projects.authed(.POST, ":projectID", "close", use: close)
        projects.authed(.POST, ":projectID", "cancel", use: cancel)
    }

    func list(_ req: Request) async throws -> Response {
        let caller = try await req.optionalCaller()
        let query = QueryParameters(req.url.query)
        var errors = ValidationErrors()
        let raw = ProjectFilter.Raw(query, into: &errors)
        let (page, limit) = query.paging(into: &errors)
        if raw.cursor != nil, page != nil { errors.add("cursor", "give page or cursor, not both") }
        try errors.throwIfAny()
        let filter = try ProjectFilter(raw, paging: try Paging(page: page, limit: limit))
        if let cache = req.application.cache, !filter.mine {
            return try await ProjectListingCache.page(filter, caller: caller, cache: cache, db: { req.db })
        }
        let (rows, total) = try await ProjectQueries.list(filter, caller: caller, on: req.db)
        var body = Page(rows.map { ProjectDTO($0.0, bidCount: $0.1) }, filter.paging, total: total)
        body.pagination.nextCursor = ListingCursor.after(rows.last?.0, filter: filter, total: total)?.text
        return try Response.json(.ok, body)
    }

    func create(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let project = try await Self.create(try req.decodeJSON(ProjectInput.self), by: caller, req: req)
            return try Response.json(.created, ProjectDTO(project, bidCount: 0))
        }
    }

    /// A new DRAFT project, for the API and the web form alike.
    static func create(_ input: ProjectInput, by caller: Caller, req: Request) async throws -> ProjectModel {
        guard caller.role.mayPostProjects else {
            throw APIError.forbidden("Only owners and contractors may post projects.")
        }
        let now = req.now
        let project = try draft(input, by: caller, now: now)
        try problems(of: input, drafted: project, now: now).throwIfAny()
        try await req.write { db in try await project.create(on: db) }
        return project
    }

    /// Every problem with a new project's fields, all at once (the API's 400 and the page's form show them together).
    static func problems(of input: ProjectInput, now: Date) throws -> ValidationErrors {
        try problems(of: input, drafted: draft(input, by: nil, now: now), now: now)
    }

    private static func problems(of input: ProjectInput, drafted project: ProjectModel, now: Date) -> ValidationErrors {
        var errors = ValidationErrors()
        input.location.validate(into: &errors)
        if input.title.allSatisfy(\.isWhitespace) { errors.add("title", "must not be empty") }
        errors.merge(ProjectRules.problems(project, now: now, requireFutureDue: true))
        return errors
    }

    /// The DRAFT row `input` describes (not validated here).
    private static func draft(_ input: ProjectInput, by caller: Caller?, now: Date) throws -> ProjectModel {
        let project = ProjectModel()
        project.id = UUID()
        if let caller {
            project.companyId = caller.companyId
            project.createdBy = caller.userId
        }
        project.title = input.title.trimmingWhitespace()
        project.description = input.description ?? ""
        project.status = .draft
        project.visibility = input.visibility ?? .public
        project.sealed = input.sealed ?? false
        project.trades = input.trades ?? []
        Self.apply(input.location, to: project)
        project.budgetMinCents = input.budgetMinCents
        project.budgetMaxCents = input.budgetMaxCents
        project.bidDueAt = input.bidDueAt
        project.addendumCount = 0
        project.createdAt = now
        project.updatedAt = now
        return project
    }

    func show(_ req: Request) async throws -> Response {
        let caller = try await req.optionalCaller()
        // The common case — a public project, or one's own — is answered from the cache without the database.
        if let cache = req.application.cache, let id = req.parameters.get("projectID", as: UUID.self),
           let card = try await ProjectCards.card(id, cache: cache, db: { req.db }), card.isOpenlyVisible(to: caller) {
            // An invited company reading a PUBLIC project has still viewed it: the owner's invitations panel says so.
            if let caller, card.ownerCompanyId != caller.companyId {
                try await InvitationsController.markViewedIfPending(projectId: id, companyId: caller.companyId, req: req)
            }
            return try await CachedJSONBytes(bytes: Array(card.json)).encodeResponse(for: req)
        }
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        if relation == .invited, let caller {
            try await InvitationsController.markViewedIfPending(projectId: project.id!, companyId: caller.companyId, req: req)
        }
        let count = try await ProjectAccess.bidCount(project.id!, on: req.db)
        return try await CachedJSON(ProjectDTO(project, bidCount: count)).encodeResponse(for: req)
    }

    func update(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        let project = try await Self.update(try req.decodeJSON(ProjectPatch.self), req: req, caller: caller)
        let count = try await ProjectAccess.bidCount(project.id!, on: req.db)
        return JSONResponse(ProjectDTO(project, bidCount: count))
    }

    /// Applies `patch` to the project named in the path (the API's PATCH and the edit page).
    static func update(_ patch: ProjectPatch, req: Request, caller: Caller) async throws -> ProjectModel {
        try await req.write { db in
            let project = try await ProjectAccess.loadOwnedForUpdate(req, caller: caller, on: db)
            guard project.status.isEditable else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "edit the project")
            }
            if let sealed = patch.sealed, sealed != project.sealed, project.status != .draft {
                throw APIError.conflict("INVALID_TRANSITION", "Sealing can only change while the project is a draft.")
            }
            if let visibility = patch.visibility, visibility != project.visibility, project.status != .draft {
                throw APIError.conflict("INVALID_TRANSITION", "Visibility can only change while the project is a draft.")
            }
            var locationErrors = ValidationErrors()
            patch.location?.validate(into: &locationErrors)
            try locationErrors.throwIfAny()
            if let title = patch.title {
                if title.allSatisfy(\.isWhitespace) { throw APIError.validation("title", "must not be empty") }
                project.title = title.trimmingWhitespace()
            }
            if let description = patch.description { project.description = description }
            if let visibility = patch.visibility { project.visibility = visibility }
            if let sealed = patch.sealed { project.sealed = sealed }
            if let trades = patch.trades { project.trades = trades }
            if let location = patch.location { apply(location, to: project) }
            if let min = patch.budgetMinCents { project.budgetMinCents = min }
            if let max = patch.budgetMaxCents { project.budgetMaxCents = max }
            let previousDue = project.bidDueAt
            if let due = patch.bidDueAt, due != previousDue {
                var hasBids = false
                if project.status == .open {
                    hasBids = try await BidModel.query(on: db).filter(\.$projectId == project.requireID()).count() > 0
                }
                switch BiddingWindow.refusal(moving: previousDue, to: due, status: project.status, hasBids: hasBids, now: req.now) {
                case nil: project.bidDueAt = due
                case .notInFuture: throw APIError.validation("bidDueAt", "must be in the future")
                case .passed:
                    throw APIError(.conflict, "DUE_TIME_LOCKED", "The bid due time has passed: bidding stays closed and the due time cannot move.",
                                   details: ["bidDueAt": .string(JSONCoding.formatDate(previousDue))])
                case .earlierWithBids:
                    throw APIError(.conflict, "DUE_TIME_LOCKED", "Bids are in: the due time can only move later.",
                                   details: ["bidDueAt": .string(JSONCoding.formatDate(previousDue))])
                }
            }
            project.updatedAt = req.now
            try ProjectRules.validate(project, now: req.now, requireFutureDue: false)
            try await project.update(on: db)
            if project.status != .draft {
                try await ProjectEvents.recordUpdated(project, dueMovedFrom: project.bidDueAt != previousDue ? previousDue : nil,
                                                      on: db, now: req.now)
            }
            return project
        }
    }

    func publish(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await transition(req, caller, to: .open, action: "publish") { project, db in
            guard project.bidDueAt > req.now else {
                throw APIError.validation("bidDueAt", "must be in the future to publish; edit the project first")
            }
            guard let company = try await CompanyModel.find(caller.companyId, on: db) else { throw APIError.unauthenticated }
            try await db.lockForUpdate("companies", id: company.id!)
            let openNow = try await ProjectModel.query(on: db)
                .filter(\.$companyId == caller.companyId).filter(\.$status == .open).count()
            try PlanLimits.checkOneMore(plan: company.plan, limit: company.plan.maxOpenProjects, used: openNow,
                                        resource: "open projects at once")
            project.publishedAt = req.now
            try await InvitationsController.recordPublished(project, on: db, now: req.now)
        }
    }

    func close(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await transition(req, caller, to: .closed, action: "close") { _, _ in }
    }

    func cancel(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await transition(req, caller, to: .cancelled, action: "cancel") { _, _ in }
    }

    /// Moves a project along its status machine under a row lock, running `effects` in the same transaction.
    private func transition(_ req: Request, _ caller: Caller, to next: ProjectStatus, action: String,
                            effects: @escaping @Sendable (ProjectModel, any Database) async throws -> Void) async throws -> JSONResponse<ProjectDTO> {
        let project = try await req.write { db in
            let current = try await ProjectAccess.loadOwnedForUpdate(req, caller: caller, on: db)
            guard current.status.canMove(to: next) else {
                throw APIError.invalidTransition(from: current.status.rawValue, action: action)
            }
            try await effects(current, db)
            current.status = next
            current.updatedAt = req.now
            try await current.update(on: db)
            if next != .open { try await ProjectEvents.recordUpdated(current, on: db, now: req.now) }  // publish records its own
            return current
        }
        let count = try await ProjectAccess.bidCount(project.id!, on: req.db)
        return JSONResponse(ProjectDTO(project, bidCount: count))
    }

    private static func apply(_ location: Location, to project: ProjectModel) {
        project.address = location.address
        project.city = location.city.trimmingWhitespace()
        project.state = location.state
        project.postalCode = location.postalCode.trimmingWhitespace()
        project.country = location.country ?? "US"
    }
}

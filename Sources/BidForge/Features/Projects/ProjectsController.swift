import BidForgeCore
import Fluent
import Vapor

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
            return try await ProjectListingCache.page(filter, caller: caller, cache: cache, in: req.useCases)
        }
        return try await ProjectListingCache.uncached(filter, caller: caller, in: req.useCases)
    }

    func create(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let project = try await ProjectActions.create(
                try req.decodeJSON(ProjectInput.self), by: caller, in: req.useCases
            ).value
            return try Response.json(.created, try ProjectDTO(project, bidCount: 0))
        }
    }

    func show(_ req: Request) async throws -> Response {
        let caller = try await req.optionalCaller()
        // The common case — a public project, or one's own — is answered from the cache without the database.
        if let cache = req.application.cache, let id = req.parameters.get("projectID", as: UUID.self),
            let card = try await ProjectCards.card(id, cache: cache, reads: req.useCases.reads(.primary)),
            card.isOpenlyVisible(to: caller)
        {
            // An invited company reading a PUBLIC project has still viewed it: the owner's invitations panel says so.
            if let caller, card.ownerCompanyId != caller.companyId {
                try await InvitationActions.markViewedIfPending(
                    projectId: id, companyId: caller.companyId, in: req.useCases)
            }
            return try await CachedJSONBytes(bytes: Array(card.json)).encodeResponse(for: req)
        }
        let (project, relation, archived) = try await ArchivedProjects.load(req, caller: caller)
        if archived {
            // No longer live: the archived project, for the companies it concerned (a slower path).
            let count = try await ArchivedProjects.bidCount(try project.requireID(), on: req.db)
            return try await CachedJSONBytes(bytes: try ProjectDTO(project, bidCount: count).json).encodeResponse(
                for: req)
        }
        if relation == .invited, let caller {
            try await InvitationActions.markViewedIfPending(
                projectId: try project.requireID(), companyId: caller.companyId, in: req.useCases)
        }
        let count = try await ProjectAccess.bidCount(project, on: req.db)
        return try await CachedJSONBytes(bytes: try ProjectDTO(project, bidCount: count).json).encodeResponse(for: req)
    }

    func update(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        let patch = try req.decodeJSON(ProjectPatch.self)
        return try await Self.answer(
            ProjectActions.update(req.projectID, with: patch, by: caller, in: req.useCases).value, req)
    }

    func publish(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await Self.answer(ProjectActions.publish(req.projectID, by: caller, in: req.useCases).value, req)
    }

    func close(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await Self.answer(ProjectActions.close(req.projectID, by: caller, in: req.useCases).value, req)
    }

    func cancel(_ req: Request, _ caller: Caller) async throws -> JSONResponse<ProjectDTO> {
        try await Self.answer(ProjectActions.cancel(req.projectID, by: caller, in: req.useCases).value, req)
    }

    /// The project as the API shows it after a change, with its live bid count.
    static func answer(_ project: ProjectModel, _ req: Request) async throws -> JSONResponse<ProjectDTO> {
        let count = try await ProjectAccess.bidCount(project, on: req.db)
        return JSONResponse(try ProjectDTO(project, bidCount: count))
    }
}

extension Request {
    /// The `projectID` route parameter (nil when missing or not a UUID: the use case answers 404).
    var projectID: UUID? { parameters.get("projectID", as: UUID.self) }
}

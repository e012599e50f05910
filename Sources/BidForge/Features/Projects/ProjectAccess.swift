import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// How the caller stands towards a project they are allowed to see.
enum ProjectRelation: Equatable {
    case owner
    case invited
    case publicViewer
}

/// The one place that decides who may see a project. Anything the caller may not see is 404, never 403,
/// so that other companies' private projects do not leak their existence.
enum ProjectAccess {
    static func relation(of caller: Caller?, to project: ProjectModel, on db: any Database) async throws
        -> ProjectRelation?
    {
        // The invitation is read only when the answer turns on it (the rule below says when).
        guard let caller,
            relation(of: caller, to: project, invited: true) != relation(of: caller, to: project, invited: false)
        else { return relation(of: caller, to: project, invited: false) }
        return relation(
            of: caller, to: project, invited: try await isInvited(caller.companyId, to: try project.requireID(), on: db)
        )
    }

    /// The same rule, when whether the caller's company holds an invitation was read with the project
    /// (`invitedCondition`), so deciding costs no statement.
    static func relation(of caller: Caller?, to project: ProjectModel, invited: Bool) -> ProjectRelation? {
        if let caller, caller.companyId == project.companyId { return .owner }
        if !isPublished(project) { return nil }
        if caller != nil, invited { return .invited }
        return project.visibility == .public ? .publicViewer : nil
    }

    /// Others see a project once it was published: a draft, and a draft cancelled before it was ever published, are
    /// the owner's alone (cancelling a draft must not publish it).
    static func isPublished(_ project: ProjectModel) -> Bool { isPublished(publishedAt: project.publishedAt) }

    static func isPublished(publishedAt: Date?) -> Bool { publishedAt != nil }

    /// `isPublished` in SQL on `p`, for a listing that may hold `statuses` (empty: any). Where no CANCELLED row can
    /// match, the status alone says it (only a draft is unpublished then), which keeps the listing's counts
    /// index-only.
    static func publishedCondition(statuses: [ProjectStatus]) -> SQLQueryString {
        !statuses.isEmpty && !statuses.contains(.cancelled) ? "p.status <> 'DRAFT'" : "p.published_at IS NOT NULL"
    }

    /// Invitations whose project was published (joined as `ProjectModel`): what an invited company may see.
    static func publishedOnly<M: Model>(_ query: QueryBuilder<M>) -> QueryBuilder<M> {
        query.filter(ProjectModel.self, \.$publishedAt != nil)
    }

    static func isInvited(_ companyId: UUID, to projectId: UUID, on db: any Database) async throws -> Bool {
        try await db.sql.raw(
            """
            SELECT 1 AS found FROM invitations WHERE project_id = \(bind: projectId) AND company_id = \(bind: companyId) \
            LIMIT 1
            """
        ).first() != nil
    }

    /// True in a statement over `projects p` when `companyId` holds an invitation to `p`.
    static func invitedCondition(_ companyId: UUID) -> SQLQueryString {
        "EXISTS (SELECT 1 FROM invitations i WHERE i.project_id = p.id AND i.company_id = \(bind: companyId))"
    }

    /// The project `id` names, if the caller may see it; 404 otherwise (also for a missing or malformed id).
    static func find(_ id: UUID?, caller: Caller?, on db: any Database) async throws -> (ProjectModel, ProjectRelation)
    {
        guard let id, let project = try await db.row(ProjectModel.self, id: id),
            let relation = try await relation(of: caller, to: project, on: db)
        else {
            throw APIError.notFound("Project")
        }
        return (project, relation)
    }

    /// A project the caller's company owns and may manage (posting roles only).
    static func findOwned(_ id: UUID?, caller: Caller, on db: any Database) async throws -> ProjectModel {
        let (project, relation) = try await find(id, caller: caller, on: db)
        guard relation == .owner else {
            throw APIError.forbidden("Only the company that posted this project may do this.")
        }
        guard caller.role.mayPostProjects else {
            throw APIError.forbidden("Your role (\(caller.role.rawValue)) may not manage projects.")
        }
        return project
    }

    /// Whether the caller manages a project they see as `relation` (the rule `findOwned` enforces; pages ask it to
    /// decide what to offer).
    static func manages(_ relation: ProjectRelation, _ caller: Caller?) -> Bool {
        relation == .owner && (caller?.role.mayPostProjects ?? false)
    }

    /// Who may post projects at all (owners and contractors).
    static func requireMayPost(_ caller: Caller) throws {
        guard caller.role.mayPostProjects else {
            throw APIError.forbidden("Only owners and contractors may post projects.")
        }
    }

    /// `findOwned` inside a write transaction: locks the row and reads it again, so the status checked is current.
    static func findOwnedForUpdate(_ id: UUID?, caller: Caller, on db: any Database) async throws -> ProjectModel {
        let project = try await findOwned(id, caller: caller, on: db)
        guard db.isPostgres else { return project }
        guard let current = try await db.locked(ProjectModel.self, id: try project.requireID()) else {
            throw APIError.notFound("Project")
        }
        return current
    }

    /// The project row read under a share lock in the caller's transaction, in one statement: closing, awarding and
    /// editing (which lock it for update) wait for the transaction, and it for them. Not checked for access: the
    /// caller decides with `relation(of:to:on:)` next.
    static func lockedForShare(_ id: UUID, on db: any Database) async throws -> ProjectModel {
        guard let project = try await db.locked(ProjectModel.self, id: id, forShare: true) else {
            throw APIError.notFound("Project")
        }
        return project
    }

    /// The project named by the route's `projectID`, if the caller may see it (adapters).
    static func load(_ req: Request, caller: Caller?) async throws -> (ProjectModel, ProjectRelation) {
        try await find(req.parameters.get("projectID", as: UUID.self), caller: caller, on: req.db)
    }

    /// The project named by the route's `projectID`, owned by the caller's company and manageable by the caller.
    static func loadOwned(_ req: Request, caller: Caller) async throws -> ProjectModel {
        try await findOwned(req.parameters.get("projectID", as: UUID.self), caller: caller, on: req.db)
    }

    static func bidCount(_ project: ProjectModel, on db: any Database) async throws -> Int {
        try await db.sql.raw(
            "SELECT " + BidPartitions.countColumn(postgres: db.isPostgres)
                + " FROM projects p WHERE p.id = \(bind: try project.requireID())"
        ).first()?.decode(column: "bid_count", as: Int.self) ?? 0
    }
}

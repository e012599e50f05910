import Vapor
import Fluent
import BidForgeCore

/// How the caller stands towards a project they are allowed to see.
enum ProjectRelation: Equatable {
    case owner
    case invited
    case publicViewer
}

/// The one place that decides who may see a project. Anything the caller may not see is 404, never 403,
/// so that other companies' private projects do not leak their existence.
enum ProjectAccess {
    static func relation(of caller: Caller?, to project: ProjectModel, on db: any Database) async throws -> ProjectRelation? {
        if let caller, caller.companyId == project.companyId { return .owner }
        if project.status == .draft { return nil }
        if let caller, try await isInvited(caller.companyId, to: project.id!, on: db) { return .invited }
        return project.visibility == .public ? .publicViewer : nil
    }

    static func isInvited(_ companyId: UUID, to projectId: UUID, on db: any Database) async throws -> Bool {
        try await InvitationModel.query(on: db)
            .filter(\.$projectId == projectId).filter(\.$companyId == companyId).first() != nil
    }

    /// Loads the project named by the `projectID` parameter if the caller may see it.
    static func load(_ req: Request, caller: Caller?, on db: (any Database)? = nil) async throws -> (ProjectModel, ProjectRelation) {
        let db = db ?? req.db
        guard let id = req.parameters.get("projectID", as: UUID.self),
              let project = try await ProjectModel.find(id, on: db),
              let relation = try await relation(of: caller, to: project, on: db) else {
            throw APIError.notFound("Project")
        }
        return (project, relation)
    }

    /// Loads a project the caller's company owns and may manage (posting roles only).
    static func loadOwned(_ req: Request, caller: Caller, on db: (any Database)? = nil) async throws -> ProjectModel {
        let (project, relation) = try await load(req, caller: caller, on: db)
        guard relation == .owner else {
            throw APIError.forbidden("Only the company that posted this project may do this.")
        }
        guard caller.role.mayPostProjects else {
            throw APIError.forbidden("Your role (\(caller.role.rawValue)) may not manage projects.")
        }
        return project
    }

    /// `loadOwned` inside a write transaction: locks the row and reads it again, so the status checked is current.
    static func loadOwnedForUpdate(_ req: Request, caller: Caller, on db: any Database) async throws -> ProjectModel {
        let project = try await loadOwned(req, caller: caller, on: db)
        guard db.isPostgres else { return project }
        try await db.lockForUpdate("projects", id: project.id!)
        guard let current = try await ProjectModel.find(project.id!, on: db) else { throw APIError.notFound("Project") }
        return current
    }

    static func bidCount(_ projectId: UUID, on db: any Database) async throws -> Int {
        try await BidModel.query(on: db).filter(\.$projectId == projectId).filter(\.$status != .withdrawn).count()
    }
}

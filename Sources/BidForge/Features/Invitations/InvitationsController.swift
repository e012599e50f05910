import BidForgeCore
import Fluent
import SQLKit
import Vapor

struct InvitationDTO: Encodable, Sendable {
    let id: UUID
    let projectId: UUID
    let companyId: UUID
    let companyName: String
    let status: InvitationStatus
    let createdAt: Date
    @NullEncoded var respondedAt: Date?
    /// Present in the invited company's inbox.
    var project: ProjectSummary?

    struct ProjectSummary: Encodable, Sendable {
        let id: UUID
        let title: String
        let status: ProjectStatus
        let bidDueAt: Date
        let companyId: UUID
    }

    init(_ invitation: InvitationModel, companyName: String, project: ProjectModel? = nil) throws {
        id = (try invitation.requireID())
        projectId = invitation.projectId
        companyId = invitation.companyId
        self.companyName = companyName
        status = invitation.status
        createdAt = invitation.createdAt
        respondedAt = invitation.respondedAt
        self.project = try project.map {
            ProjectSummary(
                id: (try $0.requireID()), title: $0.title, status: $0.status, bidDueAt: $0.bidDueAt,
                companyId: $0.companyId)
        }
    }
}

struct InvitationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.POST, "projects", ":projectID", "invitations", use: invite)
        routes.authed(.GET, "projects", ":projectID", "invitations", use: listForProject)
        routes.authed(.GET, "invitations", use: inbox)
        routes.authed(.POST, "invitations", ":invitationID", "respond", use: respond)
    }

    struct InviteInput: Decodable {
        struct Match: Decodable {
            var trades: [String]?
            var states: [String]?
        }
        var companyIds: [UUID]?
        var match: Match?
    }

    func invite(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let input = try req.decodeJSON(InviteInput.self)
            let invited = try await InvitationActions.invite(
                companies: input.companyIds ?? [],
                matching: input.match.map { .init(trades: $0.trades ?? [], states: $0.states ?? []) },
                to: req.projectID, by: caller, in: req.useCases
            ).value
            let created = try invited.map { try InvitationDTO($0.invitation, companyName: $0.companyName) }
            return try Response.json(
                .created,
                Page(data: created, pagination: .init(page: 1, limit: max(created.count, 1), total: created.count)))
        }
    }

    func listForProject(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<InvitationDTO>> {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        let paging = try req.paging()
        let base = InvitationModel.query(on: req.db).filter(\.$projectId == (try project.requireID()))
        let (rows, total) = try await base.join(CompanyModel.self, on: \InvitationModel.$companyId == \CompanyModel.$id)
            .sort(\.$createdAt).sort(\.$id).page(paging)
        let items = try rows.map { try InvitationDTO($0, companyName: try $0.joined(CompanyModel.self).name) }
        return JSONResponse(Page(items, paging, total: total))
    }

    func inbox(_ req: Request, _ caller: Caller) async throws -> JSONResponse<Page<InvitationDTO>> {
        let paging = try req.paging()
        let base = ProjectAccess.publishedOnly(
            InvitationModel.query(on: req.db)
                .join(ProjectModel.self, on: \InvitationModel.$projectId == \ProjectModel.$id)
                .filter(\.$companyId == caller.companyId))
        let (rows, total) = try await base.sort(\.$createdAt, .descending).sort(\.$id).page(paging)
        let ownerIds = try Set(rows.map { try $0.joined(ProjectModel.self).companyId })
        let owners = try await CompanyModel.query(on: req.db).filter(\.$id ~~ Array(ownerIds)).all()
        let names = Dictionary(uniqueKeysWithValues: try owners.map { ((try $0.requireID()), $0.name) })
        let items = try rows.map { row -> InvitationDTO in
            let project = try row.joined(ProjectModel.self)
            return try InvitationDTO(row, companyName: names[project.companyId] ?? "", project: project)
        }
        return JSONResponse(Page(items, paging, total: total))
    }

    struct RespondInput: Decodable {
        var response: InvitationAnswer
    }

    func respond(_ req: Request, _ caller: Caller) async throws -> JSONResponse<InvitationDTO> {
        let input = try req.decodeJSON(RespondInput.self)
        let (invitation, project) = try await InvitationActions.respond(
            to: req.parameters.get("invitationID", as: UUID.self), with: input.response, by: caller, in: req.useCases
        ).value
        let company = try await CompanyModel.find(project.companyId, on: req.db)
        return JSONResponse(try InvitationDTO(invitation, companyName: company?.name ?? "", project: project))
    }
}

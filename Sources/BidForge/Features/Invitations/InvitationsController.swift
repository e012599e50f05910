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
    static let maxPerRequest = 100

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
        _ = try await ProjectAccess.loadOwned(req, caller: caller)
        return try await req.idempotent(caller) {
            let created = try await Self.invite(try req.decodeJSON(InviteInput.self), req: req, caller: caller)
            return try Response.json(
                .created,
                Page(data: created, pagination: .init(page: 1, limit: max(created.count, 1), total: created.count)))
        }
    }

    /// Invites the named companies and/or every company matching trades and states to the project in the path
    /// (owned by the caller's company); companies already invited keep their invitation.
    static func invite(_ input: InviteInput, req: Request, caller: Caller) async throws -> [InvitationDTO] {
        var errors = ValidationErrors()
        let ids = input.companyIds ?? []
        if ids.isEmpty && input.match == nil { errors.add("companyIds", "give companyIds, match, or both") }
        if ids.count > Self.maxPerRequest {
            errors.add("companyIds", "must have at most \(Self.maxPerRequest) companies")
        }
        if let match = input.match {
            let trades = match.trades ?? []
            if trades.isEmpty { errors.add("match.trades", "must name at least one trade") }
            Trades.validate("match.trades", trades, into: &errors)
            USStates.validate("match.states", match.states ?? [], into: &errors)
        }
        if ids.contains(caller.companyId) { errors.add("companyIds", "must not include your own company") }
        try errors.throwIfAny()

        let created = try await req.write { db -> [InvitationDTO] in
            let project = try await ProjectAccess.findOwnedForUpdate(
                req.parameters.get("projectID", as: UUID.self), caller: caller, on: db)
            guard project.status == .draft || project.status == .open else {
                throw APIError.conflict(
                    "BIDDING_CLOSED", "Invitations can only be sent while the project is a draft or open.")
            }
            var targets: [CompanyModel] = []
            if !ids.isEmpty {
                let found = try await CompanyModel.query(on: db).filter(\.$id ~~ Array(Set(ids))).all()
                let missing = Set(ids).subtracting(found.compactMap(\.id))
                if !missing.isEmpty {
                    throw APIError.validation(
                        "companyIds",
                        "unknown companies: \(missing.map(\.lowercasedString).sorted().joined(separator: ", "))")
                }
                targets = found
            }
            if let match = input.match {
                let matched = try await Self.matchCompanies(
                    trades: match.trades ?? [], states: match.states ?? [],
                    excluding: caller.companyId, on: db)
                targets += matched.filter { m in !targets.contains { $0.id == m.id } }
            }
            let existing = try await InvitationModel.query(on: db).filter(\.$projectId == (try project.requireID()))
                .all()
            let existingByCompany = Dictionary(uniqueKeysWithValues: existing.map { ($0.companyId, $0) })
            var result: [InvitationDTO] = []
            var newlyInvited: [UUID] = []
            for company in targets {
                if let invitation = existingByCompany[(try company.requireID())] {
                    result.append(try InvitationDTO(invitation, companyName: company.name))
                    continue
                }
                let invitation = InvitationModel(
                    projectId: (try project.requireID()), companyId: (try company.requireID()),
                    ownerCompanyId: project.companyId, now: req.now)
                try await invitation.create(on: db)
                newlyInvited.append(try company.requireID())
                result.append(try InvitationDTO(invitation, companyName: company.name))
            }
            if project.status == .open, !newlyInvited.isEmpty {
                try await DomainEvent.invitationCreated(
                    InvitationCreated(project: try InvitationNotice(project), invited: newlyInvited)
                )
                .record(by: caller.companyId, on: db, now: req.now)
            }
            return result
        }
        return created
    }

    /// Companies that work in any of `trades` and (when given) serve any of `states`, and have someone who can bid.
    static func matchCompanies(trades: [String], states: [String], excluding: UUID, on db: any Database) async throws
        -> [CompanyModel]
    {
        let tradeClause = trades.map { "c.trades LIKE \(bind: ListColumn.pattern($0))" as SQLQueryString }.joined(
            separator: " OR ")
        var query: SQLQueryString =
            "SELECT c.* FROM companies c WHERE c.id <> \(bind: excluding) AND (" + tradeClause + ")"
        if !states.isEmpty {
            let stateClause = states.map { "c.service_states LIKE \(bind: ListColumn.pattern($0))" as SQLQueryString }
                .joined(separator: " OR ")
            query = query + " AND (" + stateClause + ")"
        }
        query =
            query
            + " AND EXISTS (SELECT 1 FROM users u WHERE u.company_id = c.id AND u.role IN ('CONTRACTOR','SUBCONTRACTOR'))"
        query = query + " ORDER BY c.name, c.id LIMIT \(literal: maxPerRequest)"
        return try await db.sql.raw(query).all().map { try $0.decode(fluentModel: CompanyModel.self) }
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
        let base = InvitationModel.query(on: req.db)
            .join(ProjectModel.self, on: \InvitationModel.$projectId == \ProjectModel.$id)
            .filter(\.$companyId == caller.companyId)
            .filter(ProjectModel.self, \.$status != .draft)
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

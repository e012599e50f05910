import Vapor
import Fluent
import BidForgeCore

struct QuestionDTO: Encodable, Sendable {
    let id: UUID
    let projectId: UUID
    let body: String
    @NullEncoded var answer: String?
    @NullEncoded var answeredAt: Date?
    /// The asking company: shown to the project owner and to the asker, hidden from everyone else.
    @NullEncoded var companyId: UUID?
    let askedByMyCompany: Bool
    let createdAt: Date

    init(_ q: QuestionModel, viewerCompany: UUID?, viewerIsOwner: Bool) {
        id = q.id!
        projectId = q.projectId
        body = q.body
        answer = q.answer
        answeredAt = q.answeredAt
        askedByMyCompany = viewerCompany == q.companyId
        companyId = (viewerIsOwner || askedByMyCompany) ? q.companyId : nil
        createdAt = q.createdAt
    }
}

struct QuestionsController: RouteCollection {
    static let maxBody = 5_000

    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.POST, "projects", ":projectID", "questions", use: ask)
        routes.get("projects", ":projectID", "questions", use: list)
        routes.authed(.POST, "questions", ":questionID", "answer", use: answer)
    }

    struct BodyInput: Decodable { var body: String }

    func ask(_ req: Request, _ caller: Caller) async throws -> Response {
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        try Self.requireAsker(relation, caller)
        return try await req.idempotent(caller) {
            let question = try await Self.ask(try req.decodeJSON(BodyInput.self).body, on: project, by: caller, req: req)
            return try Response.json(.created, QuestionDTO(question, viewerCompany: caller.companyId, viewerIsOwner: false))
        }
    }

    static func requireAsker(_ relation: ProjectRelation, _ caller: Caller) throws {
        guard relation != .owner else { throw APIError.forbidden("Ask questions on other companies' projects; answer your own.") }
        guard caller.role.mayBid else { throw APIError.forbidden("Only contractors and subcontractors may ask questions.") }
    }

    /// A question on `project` from a bidder who passed `requireAsker`.
    static func ask(_ body: String, on project: ProjectModel, by caller: Caller, req: Request) async throws -> QuestionModel {
        let input = BodyInput(body: body)
        var errors = ValidationErrors()
        errors.text("body", input.body, required: true, max: Self.maxBody)
        try errors.throwIfAny()
        guard project.status == .open else {
            throw APIError.conflict("BIDDING_CLOSED", "Questions can only be asked while the project is open.")
        }
        let question = QuestionModel()
        question.id = UUID()
        question.projectId = project.id!
        question.companyId = caller.companyId
        question.askedBy = caller.userId
        question.body = input.body
        question.createdAt = req.now
        try await req.write { db in
            try await question.create(on: db)
            let data: [String: JSONValue] = ["projectId": .string((try project.requireID()).lowercasedString), "questionId": .string((try question.requireID()).lowercasedString)]
            try await Outbox.record(DomainEvent(type: .questionAsked, data: data, notifications: [NotificationDraft(
                companyIds: [project.companyId], type: .questionAsked,
                title: "New question on \(project.title)", body: String(input.body.prefix(200)), data: data
            )]), by: caller.companyId, on: db, now: req.now)
        }
        return question
    }

    /// Answered questions for everyone who sees the project; unanswered ones for the owner and the asker only.
    func list(_ req: Request) async throws -> JSONResponse<Page<QuestionDTO>> {
        let caller = try await req.optionalCaller()
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        let paging = try req.paging()
        let isOwner = relation == .owner
        let (rows, total) = try await Self.visible(on: project, relation: relation, caller: caller, db: req.db)
            .sort(\.$createdAt).sort(\.$id).page(paging)
        let items = rows.map { QuestionDTO($0, viewerCompany: caller?.companyId, viewerIsOwner: isOwner) }
        return JSONResponse(Page(items, paging, total: total))
    }

    /// Answered questions for everyone who sees the project; unanswered ones for the owner and the asker only.
    static func visible(on project: ProjectModel, relation: ProjectRelation, caller: Caller?,
                        db: any Database) -> QueryBuilder<QuestionModel> {
        let query = QuestionModel.query(on: db).filter(\.$projectId == project.id!)
        if relation != .owner {
            query.group(.or) { group in
                group.filter(\.$answeredAt != nil)
                if let caller { group.filter(\.$companyId == caller.companyId) }
            }
        }
        return query
    }

    func answer(_ req: Request, _ caller: Caller) async throws -> JSONResponse<QuestionDTO> {
        let input = try req.decodeJSON(BodyInput.self)
        guard let id = req.parameters.get("questionID", as: UUID.self) else { throw APIError.notFound("Question") }
        let question = try await Self.answer(id, with: input.body, by: caller, req: req)
        return JSONResponse(QuestionDTO(question, viewerCompany: caller.companyId, viewerIsOwner: true))
    }

    /// The owner's answer to question `id`; 404 for a question the caller may not see.
    static func answer(_ id: UUID, with body: String, by caller: Caller, req: Request) async throws -> QuestionModel {
        let input = BodyInput(body: body)
        guard let question = try await QuestionModel.find(id, on: req.db),
              let question = try await QuestionModel.find(id, on: req.db),
              let project = try await ProjectModel.find(question.projectId, on: req.db),
              try await ProjectAccess.relation(of: caller, to: project, on: req.db) != nil,
              project.companyId == caller.companyId || question.companyId == caller.companyId || question.answeredAt != nil
        else { throw APIError.notFound("Question") }
        guard project.companyId == caller.companyId, caller.role.mayPostProjects else {
            throw APIError.forbidden("Only the company that posted the project may answer its questions.")
        }
        var errors = ValidationErrors()
        errors.text("body", input.body, required: true, max: Self.maxBody)
        try errors.throwIfAny()
        try await req.write { db in
            try await db.lockForUpdate("questions", id: id)
            guard let current = try await QuestionModel.find(id, on: db) else { throw APIError.notFound("Question") }
            guard current.answeredAt == nil else {
                throw APIError.conflict("INVALID_TRANSITION", "This question has already been answered.")
            }
            question.answer = input.body
            question.answeredBy = caller.userId
            question.answeredAt = req.now
            try await question.update(on: db)
            let audience = try await Self.projectAudience(project.id!, on: db).union([question.companyId])
            let data: [String: JSONValue] = ["projectId": .string((try project.requireID()).lowercasedString), "questionId": .string((try question.requireID()).lowercasedString)]
            try await Outbox.record(DomainEvent(type: .questionAnswered, data: data, notifications: [NotificationDraft(
                companyIds: Array(audience), type: .questionAnswered,
                title: "Question answered on \(project.title)", body: String(input.body.prefix(200)), data: data
            )]), by: caller.companyId, on: db, now: req.now)
        }
        return question
    }

    /// Companies following a project: those invited and those that bid.
    static func projectAudience(_ projectId: UUID, on db: any Database) async throws -> Set<UUID> {
        let invited = try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId)
        let bidders = try await BidModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId)
        return Set(invited).union(bidders)
    }
}

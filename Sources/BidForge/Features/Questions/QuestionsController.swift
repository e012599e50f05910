import BidForgeCore
import Fluent
import Vapor

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

    init(_ q: QuestionModel, viewerCompany: UUID?, viewerIsOwner: Bool) throws {
        id = try q.requireID()
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
    func boot(routes: any RoutesBuilder) throws {
        routes.authed(.POST, "projects", ":projectID", "questions", use: ask)
        routes.get("projects", ":projectID", "questions", use: list)
        routes.authed(.POST, "questions", ":questionID", "answer", use: answer)
    }

    struct BodyInput: Decodable { var body: String }

    func ask(_ req: Request, _ caller: Caller) async throws -> Response {
        try await req.idempotent(caller) {
            let body = try req.decodeJSON(BodyInput.self).body
            let question = try await QuestionActions.ask(body, on: req.projectID, by: caller, in: req.useCases).value
            return try Response.json(
                .created, try QuestionDTO(question, viewerCompany: caller.companyId, viewerIsOwner: false))
        }
    }

    /// Answered questions for everyone who sees the project; unanswered ones for the owner and the asker only.
    func list(_ req: Request) async throws -> JSONResponse<Page<QuestionDTO>> {
        let caller = try await req.optionalCaller()
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        let paging = try req.paging()
        let isOwner = relation == .owner
        let (rows, total) = try await QuestionQueries.visible(
            on: project, relation: relation, caller: caller, db: req.db
        )
        .sort(\.$createdAt).sort(\.$id).page(paging)
        let items = try rows.map { try QuestionDTO($0, viewerCompany: caller?.companyId, viewerIsOwner: isOwner) }
        return JSONResponse(Page(items, paging, total: total))
    }

    func answer(_ req: Request, _ caller: Caller) async throws -> JSONResponse<QuestionDTO> {
        let input = try req.decodeJSON(BodyInput.self)
        let question = try await QuestionActions.answer(
            req.parameters.get("questionID", as: UUID.self), with: input.body, by: caller,
            in: req.useCases
        ).value
        return JSONResponse(try QuestionDTO(question, viewerCompany: caller.companyId, viewerIsOwner: true))
    }
}

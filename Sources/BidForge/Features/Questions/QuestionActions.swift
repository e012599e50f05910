import BidForgeCore
import Fluent
import Foundation

/// Questions on an open project: bidders ask, the posting company answers, and everyone following sees the answer.
enum QuestionActions {
    static let maxBody = 5_000

    /// A question from a bidder (another company's contractor or subcontractor) while the project is open.
    static func ask(_ body: String, on projectId: UUID?, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<QuestionModel>
    {
        let (project, relation) = try await ProjectAccess.find(projectId, caller: caller, on: context.db)
        guard relation != .owner else {
            throw APIError.forbidden("Ask questions on other companies' projects; answer your own.")
        }
        guard caller.role.mayBid else {
            throw APIError.forbidden("Only contractors and subcontractors may ask questions.")
        }
        var errors = ValidationErrors()
        errors.text("body", body, required: true, max: maxBody)
        try errors.throwIfAny()
        guard mayAsk(on: project, relation: relation, caller: caller) else {
            throw APIError.conflict("BIDDING_CLOSED", "Questions can only be asked while the project is open.")
        }
        let now = context.now
        let question = QuestionModel()
        question.id = UUID()
        question.projectId = try project.requireID()
        question.companyId = caller.companyId
        question.askedBy = caller.userId
        question.body = body
        question.createdAt = now
        let event = DomainEvent.questionAsked(
            QuestionAsked(
                projectId: try project.requireID(), projectTitle: project.title, ownerCompanyId: project.companyId,
                questionId: try question.requireID(), excerpt: QuestionEvents.excerpt(body)))
        try await context.write { db in
            try await question.create(on: db)
            try await event.record(by: caller.companyId, on: db, now: now)
        }
        return Outcome(value: question, events: [event])
    }

    /// Whether the caller may ask a question on a project they see as `relation` (the page shows the form only then).
    static func mayAsk(on project: ProjectModel, relation: ProjectRelation, caller: Caller?) -> Bool {
        guard let caller else { return false }
        return relation != .owner && caller.role.mayBid && project.status == .open
    }

    /// The posting company's answer to question `id`; 404 for a question the caller may not see.
    static func answer(_ id: UUID?, with body: String, by caller: Caller, in context: UseCaseContext) async throws
        -> Outcome<QuestionModel>
    {
        let db = context.db
        guard let id, let question = try await QuestionModel.find(id, on: db),
            let project = try await ProjectModel.find(question.projectId, on: db),
            try await ProjectAccess.relation(of: caller, to: project, on: db) != nil,
            project.companyId == caller.companyId || question.companyId == caller.companyId
                || question.answeredAt != nil
        else { throw APIError.notFound("Question") }
        guard project.companyId == caller.companyId, caller.role.mayPostProjects else {
            throw APIError.forbidden("Only the company that posted the project may answer its questions.")
        }
        var errors = ValidationErrors()
        errors.text("body", body, required: true, max: maxBody)
        try errors.throwIfAny()
        let now = context.now
        return try await context.write { db in
            guard let current = try await db.locked(QuestionModel.self, id: id) else {
                throw APIError.notFound("Question")
            }
            guard current.answeredAt == nil else {
                throw APIError.conflict("INVALID_TRANSITION", "This question has already been answered.")
            }
            question.answer = body
            question.answeredBy = caller.userId
            question.answeredAt = now
            try await question.update(on: db)
            let projectId = try project.requireID()
            let audience = try await ProjectQueries.audience(of: projectId, includingWithdrawn: true, on: db).union([
                question.companyId
            ])
            let event = DomainEvent.questionAnswered(
                QuestionAnswered(
                    projectId: projectId, projectTitle: project.title, questionId: id,
                    excerpt: QuestionEvents.excerpt(body),
                    audience: audience.sorted { $0.uuidString < $1.uuidString }))
            try await event.record(by: caller.companyId, on: db, now: now)
            return Outcome(value: question, events: [event])
        }
    }
}

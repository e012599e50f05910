import Fluent
import Foundation

enum QuestionQueries {
    /// Answered questions for everyone who sees the project; unanswered ones for the owner and the asker only.
    static func visible(
        on project: ProjectModel, relation: ProjectRelation, caller: Caller?,
        db: any Database
    ) throws -> QueryBuilder<QuestionModel> {
        let query = QuestionModel.query(on: db).filter(\.$projectId == (try project.requireID()))
        if relation != .owner {
            query.group(.or) { group in
                group.filter(\.$answeredAt != nil)
                if let caller { group.filter(\.$companyId == caller.companyId) }
            }
        }
        return query
    }
}

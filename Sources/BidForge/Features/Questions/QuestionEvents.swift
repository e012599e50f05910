import Foundation

/// A bidder asked a question: the posting company is told.
struct QuestionAsked: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let questionId: UUID
    let excerpt: String

    var notifications: [NotificationDraft] {
        [
            NotificationDraft(
                companyIds: [ownerCompanyId], type: .questionAsked, title: "New question on \(projectTitle)",
                body: excerpt, data: QuestionEvents.data(projectId, questionId))
        ]
    }

    var cacheScopes: [String] { [CacheScope.project(projectId)] }
}

/// The posting company answered: everyone following the project and the asker are told.
struct QuestionAnswered: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let questionId: UUID
    let excerpt: String
    let audience: [UUID]

    var notifications: [NotificationDraft] {
        [
            NotificationDraft(
                companyIds: audience, type: .questionAnswered, title: "Question answered on \(projectTitle)",
                body: excerpt, data: QuestionEvents.data(projectId, questionId))
        ]
    }

    var cacheScopes: [String] { [CacheScope.project(projectId)] }
}

enum QuestionEvents {
    /// The start of a question or answer, as a notification shows it.
    static func excerpt(_ text: String) -> String { String(text.prefix(200)) }

    static func data(_ projectId: UUID, _ questionId: UUID) -> [String: JSONValue] {
        ["projectId": .string(projectId.lowercasedString), "questionId": .string(questionId.lowercasedString)]
    }
}

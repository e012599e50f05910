import OpenAPIKit

/// Questions and answers on a project.
enum QuestionsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/projects/{projectID}/questions",
            "Ask a question (bidder roles, not the owner company)",
            body: "QuestionInput", success: (201, "Question"), errors: [400, 401, 403, 404, 409], idempotent: true),
        .init(
            .GET, "/api/v1/projects/{projectID}/questions",
            "Questions: answered ones to every viewer, unanswered to asker and owner",
            auth: .optional, query: APIOperation.listQuery, success: (200, "page:Question"), errors: [400, 401, 404]),
        .init(
            .POST, "/api/v1/questions/{questionID}/answer",
            "Answer a question once (owner company)",
            body: "QuestionInput", success: (200, "Question"), errors: [400, 401, 403, 404, 409])
    ]

    static var schemas: [String: JSONSchema] { S.questions }
}

extension S {
    fileprivate static let questions: [String: JSONSchema] = [
        "QuestionInput": object(["body": text(1, 5_000)], required: ["body"]),
        "Question": object(
            [
                "id": uuid, "projectId": uuid, "body": string, "answer": nullable(string),
                "answeredAt": nullable(time),
                "companyId": nullable(uuid).described("the asking company; null except for the owner and the asker"),
                "askedByMyCompany": bool, "createdAt": time
            ],
            required: ["id", "projectId", "body", "answer", "answeredAt", "companyId", "askedByMyCompany", "createdAt"])
    ]
}

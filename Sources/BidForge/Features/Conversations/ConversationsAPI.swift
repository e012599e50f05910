import OpenAPIKit

/// Private threads between a project's owner and one company.
enum ConversationsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/conversations",
            "Open (or get) the private thread between a project's owner and one company",
            body: "OpenConversationInput", success: (201, "Conversation"), errors: [400, 401, 403, 404],
            notes:
                "201 for a new thread, 200 with the existing one for the same (project, company) pair. A bidder omits companyId; the owner names a company invited to, or bidding on, the project (403 otherwise). Anyone who may see the project and bid may open a thread with its owner."
        ),
        .init(
            .GET, "/api/v1/conversations",
            "The caller company's threads, most recent activity first, with the user's unreadCount",
            query: APIOperation.listQuery, success: (200, "page:Conversation"), errors: [400, 401]),
        .init(
            .GET, "/api/v1/conversations/{conversationID}/messages",
            "Messages, newest first",
            query: [
                ("before", S.uuid, "a message id: return older messages (the previous page's nextBefore)"),
                ("limit", .integer(minimum: (1, exclusive: false), defaultValue: 50), "page size, at most 100")
            ],
            success: (200, "MessagePage"), errors: [400, 401, 404]),
        .init(
            .POST, "/api/v1/conversations/{conversationID}/messages",
            "Post a message (1–10,000 characters, stored exactly)",
            body: "MessageInput", success: (201, "Message"), errors: [400, 401, 404], idempotent: true,
            notes:
                "The other company's users get MESSAGE_RECEIVED. The sender's own messages never count as unread for them."
        ),
        .init(
            .POST, "/api/v1/conversations/{conversationID}/read",
            "Mark the thread read for the calling user",
            success: (204, nil), errors: [401, 404])
    ]

    static var schemas: [String: JSONSchema] { S.conversations }
}

extension S {
    fileprivate static let conversations: [String: JSONSchema] = [
        "OpenConversationInput": object(["projectId": uuid, "companyId": uuid], required: ["projectId"]),
        "Conversation": object(
            [
                "id": uuid, "projectId": uuid, "projectTitle": string, "ownerCompanyId": uuid,
                "ownerCompanyName": string,
                "companyId": uuid, "companyName": string, "createdAt": time, "lastMessageAt": nullable(time),
                "unreadCount": int
            ],
            required: [
                "id", "projectId", "projectTitle", "ownerCompanyId", "ownerCompanyName", "companyId", "companyName",
                "createdAt", "lastMessageAt", "unreadCount"
            ]),
        "MessageInput": object(["body": text(1, 10_000)], required: ["body"]),
        "Message": object(
            [
                "id": uuid, "conversationId": uuid, "companyId": uuid, "senderId": uuid, "senderName": string,
                "body": JSONSchema.string(description: "exactly as sent; escape it when rendering HTML"),
                "createdAt": time
            ], required: ["id", "conversationId", "companyId", "senderId", "senderName", "body", "createdAt"]),
        "MessagePage": object(
            ["data": array(ref("Message")), "nextBefore": nullable(uuid)], required: ["data", "nextBefore"])
    ]
}

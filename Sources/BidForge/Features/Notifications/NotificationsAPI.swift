import OpenAPIKit

/// Notifications.
enum NotificationsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/notifications",
            "The caller's notifications, newest first",
            query: APIOperation.listQuery + [("unread", S.bool, "only unread ones")],
            success: (200, "page:Notification"),
            errors: [400, 401]),
        .init(
            .POST, "/api/v1/notifications/{notificationID}/read",
            "Mark one read",
            success: (204, nil), errors: [401, 404]),
        .init(
            .POST, "/api/v1/notifications/read-all",
            "Mark all read",
            success: (204, nil),
            errors: [401])
    ]

    static var schemas: [String: JSONSchema] { S.notifications }
}

extension S {
    fileprivate static let notifications: [String: JSONSchema] = [
        "Notification": object(
            [
                "id": uuid,
                "type": enumeration([
                    "INVITATION_RECEIVED", "BID_SUBMITTED", "BID_REVISED", "BID_WITHDRAWN",
                    "BID_ACCEPTED", "BID_REJECTED", "PROJECT_AWARDED", "ADDENDUM_ISSUED",
                    "QUESTION_ASKED", "QUESTION_ANSWERED", "MESSAGE_RECEIVED", "BID_DUE_SOON", "BID_DUE_CHANGED"
                ]),
                "title": string, "body": string,
                "data": anyObject.described(
                    "BID_REJECTED: {projectId, bidId, rank, bidCount, aboveWinningPct}; BID_ACCEPTED: {projectId, bidId, bidCount}"
                ),
                "readAt": nullable(time), "createdAt": time
            ], required: ["id", "type", "title", "body", "data", "readAt", "createdAt"])
    ]
}

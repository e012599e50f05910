import OpenAPIKit

/// Notifications.
enum NotificationsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/notifications",
            "The caller's company's notifications, newest first. Every user of a company sees the same notifications "
                + "(one per event); read state is each user's own, and what the company was told before the user "
                + "joined counts as read (readAt = when they joined).",
            query: APIOperation.listQuery + [("unread", S.bool, "only unread ones")],
            success: (200, "page:Notification"),
            errors: [400, 401]),
        .init(
            .POST, "/api/v1/notifications/{notificationID}/read",
            "Mark one read for the caller (colleagues keep their own state); another company's is not found",
            success: (204, nil), errors: [401, 404]),
        .init(
            .POST, "/api/v1/notifications/read-all",
            "Mark everything up to now read for the caller",
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

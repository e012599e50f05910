import OpenAPIKit

/// The realtime socket and its tickets.
enum RealtimeAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/realtime/tickets",
            "A single-use ticket (60 s) to open the realtime socket from a browser",
            success: (201, "RealtimeTicket"), errors: [401]),
        .init(
            .GET, "/api/v1/realtime",
            "WebSocket: live notification.created, message.created, bid.submitted and project.updated",
            auth: .optional,
            query: [
                ("ticket", S.string, "instead of the Authorization header (browsers)"),
                (
                    "since", S.integer(min: 0),
                    "replay this user's deliveries after this eventId (24 h window, at most 500)"
                )
            ],
            success: (101, nil), errors: [400, 401],
            notes:
                "Frames are {type, eventId, data}. Only users entitled to a delivery get it. Pings every REALTIME_PING_SECONDS; a socket that misses a pong is closed. A client whose queue (REALTIME_QUEUE_LIMIT) overflows is closed with 1013; when the access token (or the ticket's session) expires the socket closes with 4001: sign in again and reconnect with ?since=<last eventId>."
        )
    ]

    static var schemas: [String: JSONSchema] { S.realtime }
}

extension S {
    fileprivate static let realtime: [String: JSONSchema] = [
        "RealtimeTicket": object(["ticket": string, "expiresAt": time], required: ["ticket", "expiresAt"])
    ]
}

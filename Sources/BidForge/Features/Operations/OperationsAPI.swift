import OpenAPIKit

/// The operations endpoints: liveness, health, readiness, metrics, this document and static assets.
enum OperationsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/live",
            "200 while the process answers (liveness: touches no dependency)",
            auth: .none,
            success: (200, "Live")),
        .init(
            .GET, "/api/health",
            "Health of every configured component",
            auth: .optional,
            success: (200, "Health"), errors: [401, 503],
            notes:
                "Every check's status for anyone; its details (latencies, memory, free disk, library versions) only for a platform ADMIN's token. The storage probe (write, read, delete an object) runs at most every 30 s; its last answer is shared."
        ),
        .init(
            .GET, "/api/ready",
            "200 once migrations ran and the database answers",
            auth: .none,
            success: (200, "Ready"), errors: [503]),
        .init(
            .GET, "/openapi.json",
            "This document",
            auth: .none, success: (200, nil)),
        .init(
            .GET, "/static/{file}",
            "A static asset by fingerprinted name (name.<hash>.ext), cacheable forever",
            auth: .none,
            success: (200, nil), errors: [404],
            notes:
                "Cache-Control: public, max-age=31536000, immutable; ETag; ranges as for documents. Unfingerprinted names are 404: page URLs come from the server's asset map, with ASSET_PREFIX (a CDN host) in front when set."
        ),
        .init(
            .GET, "/metrics",
            "Prometheus text format: http_request_duration_seconds{method,route,status_code}, http_requests_total, active_users_total, db_pool_connections{state}, process memory and open files",
            auth: .none, success: (200, nil))
    ]

    static var schemas: [String: JSONSchema] { S.operations }
}

extension S {
    fileprivate static let operations: [String: JSONSchema] = [
        "Health": object(
            [
                "status": enumeration(["healthy", "unhealthy"]),
                "checks": map(
                    object([
                        "status": enumeration(["ok", "error", "disabled", "degraded"]), "message": string,
                        "details": anyObject
                    ])),
                "timestamp": time
            ], required: ["status", "checks", "timestamp"]),
        "Live": object(["status": enumeration(["alive"])], required: ["status"]),
        "Ready": object(["status": enumeration(["ready", "not_ready", "draining"])], required: ["status"])
    ]
}

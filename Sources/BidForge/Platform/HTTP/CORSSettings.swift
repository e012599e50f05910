import Vapor

/// Which browser origins may call the API (`CORS_ALLOWED_ORIGINS`). The API authenticates with bearer tokens, not
/// cookies, so credentials are never allowed cross-origin.
struct CORSSettings {
    let middleware: CORSMiddleware

    /// nil when no origin is configured: no CORS headers at all, the browser's same-origin rule applies.
    init?(origins: [String]) {
        guard !origins.isEmpty else { return nil }
        let allowed: CORSMiddleware.AllowOriginSetting = origins.contains("*") ? .all : .any(origins)
        middleware = CORSMiddleware(
            configuration: .init(
                allowedOrigin: allowed,
                allowedMethods: [.GET, .POST, .PUT, .PATCH, .DELETE, .OPTIONS],
                allowedHeaders: [
                    .accept, .authorization, .contentType, .init("Idempotency-Key"), .init("X-Request-Id"),
                    .ifNoneMatch
                ],
                allowCredentials: false,
                cacheExpiration: 600,
                exposedHeaders: [.init("X-Request-Id"), .retryAfter, .eTag, .location]
            ))
    }
}

import Vapor

/// Headers every API response carries. Page-specific ones (Content-Security-Policy) come with the web application,
/// and Strict-Transport-Security once TLS termination is known (behind a trusted proxy).
enum SecurityHeaders {
    static func apply(to response: Response) {
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "strict-origin-when-cross-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
    }
}

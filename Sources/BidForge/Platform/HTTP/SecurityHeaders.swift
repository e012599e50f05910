import Vapor

/// Headers every API response carries. Page-specific ones (Content-Security-Policy) come with the web application.
enum SecurityHeaders {
    static func apply(to response: Response, overTLS: Bool) {
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "strict-origin-when-cross-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        if overTLS {
            response.headers.replaceOrAdd(name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
        }
        if response.headers.first(name: .cacheControl) == nil {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
    }
}

extension Request {
    /// True when the client's connection was TLS: terminated here, or at a trusted proxy that says so.
    var arrivedOverTLS: Bool {
        if url.scheme == "https" { return true }
        guard let peer = remoteAddress?.ipAddress, application.settings.trustedProxies.trusts(peer) else {
            return false
        }
        return headers.first(name: "X-Forwarded-Proto")?.lowercased() == "https"
    }
}

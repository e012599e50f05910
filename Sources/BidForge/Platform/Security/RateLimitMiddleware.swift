import Vapor

/// The per-client-address limit in front of every route. Probes and the metrics scrape are exempt: a load balancer
/// or Prometheus polling from one address must never be told to go away.
struct RateLimitMiddleware: AsyncMiddleware {
    static let exemptPaths: Set<String> = ["/api/live", "/api/health", "/api/ready", "/metrics"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let settings = request.application.settings
        if !settings.rateLimitDisabled && !Self.exemptPaths.contains(request.url.path) {
            try await request.enforceRateLimit(
                ["address:\(request.clientAddress)"],
                rule: .perMinute(settings.requestsPerMinutePerAddress))
        }
        return try await next.respond(to: request)
    }
}

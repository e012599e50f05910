import Vapor

/// One line per request: what an operator reads at 3 a.m.
struct RequestLogEntry: Sendable {
    let requestId: String
    let method: String
    /// The registered pattern (`/api/v1/projects/:projectID`), never the raw path, so logs and metrics stay bounded.
    let route: String
    let status: UInt
    let durationMs: Double
    let userId: UUID?
    let companyId: UUID?
    let errorCode: String?

    /// The probes' routes: their 503 is an answer ("draining", "not ready"), not a failure of the request.
    static let probeRoutes: Set<String> = ["/api/live", "/api/ready", "/api/health"]

    /// 5xx at error (a probe's 503 at notice: the component it names logs its own failure), 4xx at debug (clients
    /// make mistakes all day), the rest at info.
    var level: Logger.Level {
        if status == 503 && Self.probeRoutes.contains(route) { return .notice }
        return status >= 500 ? .error : status >= 400 ? .debug : .info
    }
}

/// Where request log entries go; tests install one that keeps them.
protocol RequestLogSink: Sendable {
    func record(_ entry: RequestLogEntry)
}

struct LoggerRequestLogSink: RequestLogSink {
    let logger: Logger
    let instance: String

    func record(_ entry: RequestLogEntry) {
        guard logger.logLevel <= entry.level else { return }
        var metadata: Logger.Metadata = [
            "requestId": .string(entry.requestId), "method": .string(entry.method), "route": .string(entry.route),
            "status": .stringConvertible(entry.status),
            "durationMs": .stringConvertible((entry.durationMs * 100).rounded() / 100),
            "instance": .string(instance)
        ]
        if let userId = entry.userId { metadata["userId"] = .string(userId.lowercasedString) }
        if let companyId = entry.companyId { metadata["companyId"] = .string(companyId.lowercasedString) }
        if let code = entry.errorCode { metadata["errorCode"] = .string(code) }
        logger.log(level: entry.level, "request", metadata: metadata)
    }
}

extension Application {
    private struct SinkKey: StorageKey { typealias Value = any RequestLogSink }

    /// Set once in `configure`; tests replace it with a sink that keeps entries.
    var requestLog: any RequestLogSink {
        get { configured(SinkKey.self, "the request log") }
        set { storage[SinkKey.self] = newValue }
    }
}

extension Request {
    /// The route pattern this request matched, or `unmatched`.
    var routePattern: String {
        guard let route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}

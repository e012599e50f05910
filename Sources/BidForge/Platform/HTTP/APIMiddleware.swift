import BidForgeCore
import Fluent
import JWT
import Vapor

/// The single middleware in front of every route: request ids, the error shape, and one log line for failures.
/// It replaces Vapor's default route logging and error middlewares, which cost a third of the throughput here.
/// What it reads of the settings on every request is held here as plain values, not looked up in the application's
/// storage (a copy of the whole `Settings` each time).
struct APIMiddleware: AsyncMiddleware {
    let instanceName: String
    let compression: Bool
    let maxJSONBodyBytes: Int
    /// Where reads may go besides the primary (nil without replicas: no request pays for read-your-writes then).
    let readRouting: ReadRouting?

    init(_ settings: Settings, readRouting: ReadRouting? = nil) {
        instanceName = settings.instanceName
        compression = settings.compression
        maxJSONBodyBytes = settings.maxJSONBodyBytes
        self.readRouting = readRouting
    }

    func respond(to request: Request, chainingTo next: AsyncResponder) async throws -> Response {
        let started = ContinuousClock.now
        let requestId = Self.requestId(from: request)
        request.logger[metadataKey: "requestId"] = .string(requestId)
        let routing = readRouting
        if routing != nil {
            request.consistency = ConsistencySession(
                presented: request.headers.first(name: ConsistencySession.header).flatMap { WALPosition($0) })
        }
        let response: Response
        var errorCode: String?
        do {
            try Self.checkBodySize(request, limit: maxJSONBodyBytes)
            response = try await next.respond(to: request)
        } catch {
            let apiError = Self.apiError(for: error)
            errorCode = apiError.code
            response = Self.render(error, for: request)
        }
        if let routing, let session = request.consistency, let written = session.written {
            // Kept for the caller before the response leaves: their next read, on any instance, waits for this write.
            await routing.keep(session)
            response.headers.replaceOrAdd(name: ConsistencySession.header, value: written.description)
        }
        response.headers.replaceOrAdd(name: "X-Request-Id", value: requestId)
        response.headers.replaceOrAdd(name: "X-Instance", value: instanceName)
        SecurityHeaders.apply(to: response, overTLS: request.arrivedOverTLS)
        Compression.choose(for: response, enabled: compression)
        let caller = request.authenticatedCaller
        let elapsed = ContinuousClock.now - started
        let route = request.routePattern
        request.application.metrics.recordRequest(
            method: request.method.rawValue, route: route, status: response.status.code,
            duration: elapsed, userId: caller?.userId, now: request.now)
        request.application.requestLog.record(
            RequestLogEntry(
                requestId: requestId, method: request.method.rawValue, route: route,
                status: response.status.code, durationMs: elapsed / .milliseconds(1),
                userId: caller?.userId, companyId: caller?.companyId, errorCode: errorCode))
        return response
    }

    /// Refuses bodies over the limit before any handler runs, whether announced by Content-Length or already collected.
    static func checkBodySize(_ request: Request, limit: Int) throws {
        // Streamed uploads enforce their own (plan) limit while reading.
        if request.route?.userInfo[streamsBodyKey] as? Bool == true { return }
        let declared = request.headers.first(name: .contentLength).flatMap(Int.init) ?? 0
        let collected = request.body.data?.readableBytes ?? 0
        if declared > limit || collected > limit {
            throw APIError(
                .payloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is larger than \(limit) bytes.",
                details: ["limitBytes": .int(Int64(limit))])
        }
    }

    /// Set in a route's `userInfo` when its handler streams the body itself.
    static let streamsBodyKey = "streamsBody"

    static func requestId(from request: Request) -> String {
        if let given = request.headers.first(name: "X-Request-Id"), !given.isEmpty, given.count <= 128,
            given.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }

    static func render(_ error: Error, for request: Request) -> Response {
        let apiError = Self.apiError(for: error)
        if apiError.status.code >= 500 {
            // The cause goes to the log (never to the client), tied to the request by its id.
            request.logger.error(
                "request failed",
                metadata: [
                    "method": .string(request.method.rawValue), "route": .string(request.routePattern),
                    "status": .stringConvertible(apiError.status.code), "error": .string(String(reflecting: error))
                ])
        }
        let body = ErrorBody(error: .init(code: apiError.code, message: apiError.message, details: apiError.details))
        let response = (try? Response.json(apiError.status, body)) ?? Response(status: .internalServerError)
        for (name, value) in apiError.headers { response.headers.replaceOrAdd(name: name, value: value) }
        return response
    }

    static func apiError(for error: Error) -> APIError {
        switch error {
        case let e as APIError:
            return e
        case let e as ValidationErrors:
            return .validation(e)
        case let e as PlanLimitExceeded:
            return .planLimit(e)
        case let e as DecodingError:
            return decodingError(e)
        case is JWTError:
            return .unauthenticated
        case let e as AbortError:
            return abortError(e)
        default:
            if DatabaseErrors.isUnavailable(error) { return .unavailable }
            return APIError(
                .internalServerError, "INTERNAL_ERROR", "Something went wrong on our side. It has been logged.")
        }
    }

    static func abortError(_ e: AbortError) -> APIError {
        switch e.status {
        case .payloadTooLarge:
            return APIError(.payloadTooLarge, "PAYLOAD_TOO_LARGE", "The request body is too large.")
        case .unsupportedMediaType:
            return APIError(.unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
        case .notFound:
            return .notFound("Route")
        case .methodNotAllowed:
            return APIError(.methodNotAllowed, "METHOD_NOT_ALLOWED", "This method is not allowed here.")
        case .unauthorized:
            return .unauthenticated
        case .badRequest, .unprocessableEntity:
            return APIError(.badRequest, "VALIDATION_FAILED", e.reason)
        case .serviceUnavailable:
            return .unavailable
        default:
            if e.status.code >= 500 {
                return APIError(
                    .internalServerError, "INTERNAL_ERROR", "Something went wrong on our side. It has been logged.")
            }
            let code = e.status.reasonPhrase.uppercased().replacingOccurrences(of: " ", with: "_")
            return APIError(e.status, code, e.reason)
        }
    }

    static func decodingError(_ error: DecodingError) -> APIError {
        func path(_ keys: [CodingKey], _ last: CodingKey? = nil) -> String {
            var result = ""
            for key in keys + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    result += "[\(index)]"
                } else {
                    result += result.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return result.isEmpty ? "body" : result
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation(path(context.codingPath, key), "is required")
        case .typeMismatch(let type, let context):
            return .validation(path(context.codingPath), "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            return .validation(path(context.codingPath), "must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return APIError(.badRequest, "VALIDATION_FAILED", "The body is not valid JSON.")
            }
            let reason =
                context.debugDescription.hasPrefix("Cannot initialize")
                ? "is not one of the allowed values" : context.debugDescription
            return .validation(path(context.codingPath), reason)
        @unknown default:
            return APIError(.badRequest, "VALIDATION_FAILED", "The body could not be read.")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "a string"
        case "Int", "Int64", "Int32": return "an integer"
        case "Double", "Float": return "a number"
        case "Bool": return "true or false"
        case _ where name.hasPrefix("Array"): return "an array"
        case _ where name.hasPrefix("Dictionary"): return "an object"
        default: return "a value of the right type"
        }
    }
}

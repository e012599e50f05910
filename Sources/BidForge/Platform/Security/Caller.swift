import BidForgeCore
import JWT
import Vapor

/// The verified identity behind a request. Handlers that need one receive it as a parameter, so a route
/// registered with `authed` cannot run without it.
struct Caller: Sendable {
    let userId: UUID
    let companyId: UUID
    let role: UserRole
    /// When the access token that identified the caller expires (nil when not known).
    var sessionExpiresAt: Date? = nil
    /// The sign-in the caller acts through (a browser session or a refresh-token family), when known: ending it
    /// closes the realtime sockets it opened.
    var sessionKey: SessionKey? = nil
}

/// Claims of a short-lived access token.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var cid: String
    var role: UserRole
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var jti: IDClaim
    /// The refresh-token family the token was issued with (absent in tokens from before it existed).
    var sid: String?

    /// Expiry is checked by `Request.optionalCaller` against the application clock, so that time is injectable.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension Request {
    /// The caller already verified for this request, if any (for logs; never for authorisation decisions).
    var authenticatedCaller: Caller? { storage[CallerKey.self] }

    /// The caller named by a valid `Authorization: Bearer` access token; 401 otherwise.
    func requireCaller() async throws -> Caller {
        guard let caller = try await optionalCaller() else { throw APIError.unauthenticated }
        return caller
    }

    /// The caller if a token is presented. A presented but invalid token is still a 401: a client should learn
    /// that its token is bad rather than silently get the anonymous view.
    func optionalCaller() async throws -> Caller? {
        if let cached = storage[CallerKey.self] { return cached }
        guard let authorization = headers.first(name: .authorization) else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty, parts[1].count < 4096 else {
            throw APIError.unauthenticated
        }
        let claims: AccessClaims
        do {
            claims = try await jwt.verify(String(parts[1]), as: AccessClaims.self)
        } catch {
            throw APIError.unauthenticated
        }
        guard (try? claims.exp.verifyNotExpired(currentDate: now)) != nil else { throw APIError.unauthenticated }
        guard let userId = UUID(uuidString: claims.sub.value), let companyId = UUID(uuidString: claims.cid) else {
            throw APIError.unauthenticated
        }
        let caller = Caller(
            userId: userId, companyId: companyId, role: claims.role, sessionExpiresAt: claims.exp.value,
            sessionKey: claims.sid.flatMap(UUID.init(uuidString:)).map(SessionKey.tokenFamily))
        storage[CallerKey.self] = caller
        consistency?.identify(userId)
        logger[metadataKey: "userId"] = .string(userId.lowercasedString)
        return caller
    }
}

extension Request {
    /// Writes count against a per-user budget (`RATE_LIMIT_WRITES_PER_MINUTE`), whether they come through the API or
    /// the pages.
    func enforceWriteLimit(for caller: Caller) async throws {
        try await enforceRateLimit(
            ["write:user:\(caller.userId)"], rule: .perMinute(application.settings.writesPerMinutePerUser))
    }
}

private struct CallerKey: StorageKey {
    typealias Value = Caller
}

extension RoutesBuilder {
    /// Registers a route that only runs for an authenticated caller. Writes also count against the caller's
    /// per-user write limit.
    @discardableResult
    func authed<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PathComponent...,
        use handler: @escaping @Sendable (Request, Caller) async throws -> Response
    ) -> Route {
        authed(method, path, body: .collect, use: handler)
    }

    /// A route whose handler reads the request body as a stream (uploads): the JSON body limit does not apply.
    @discardableResult
    func authedStreaming<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: PathComponent...,
        use handler: @escaping @Sendable (Request, Caller) async throws -> Response
    ) -> Route {
        let route = authed(method, path, body: .stream, use: handler)
        route.userInfo[APIMiddleware.streamsBodyKey] = true
        return route
    }

    private func authed<Response: AsyncResponseEncodable>(
        _ method: HTTPMethod, _ path: [PathComponent], body: HTTPBodyStreamStrategy,
        use handler: @escaping @Sendable (Request, Caller) async throws -> Response
    ) -> Route {
        let isWrite = method != .GET && method != .HEAD
        return on(method, path, body: body) { request async throws -> Response in
            let caller = try await request.requireCaller()
            if isWrite { try await request.enforceWriteLimit(for: caller) }
            return try await handler(request, caller)
        }
    }
}

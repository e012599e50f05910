import BidForgeCore
import Crypto
import Fluent
import Vapor

/// Who is signed in to the browser: the same `Caller` the API uses (so pages and API share every authorisation
/// rule), plus what the layout shows.
struct WebUser: Sendable {
    let caller: Caller
    let name: String
    let companyName: String
}

/// Browser sessions in an `HttpOnly`, `SameSite=Lax` cookie (and `Secure` behind TLS); the database keeps only the
/// token's hash. Forms carry a CSRF token that must equal the `bf_csrf` cookie (double submit): another site can make a
/// browser send the cookie, but cannot read it to put it in the form.
enum WebSession {
    static let cookie = "bf_session"
    static let csrfCookie = "bf_csrf"
    static let csrfField = "_csrf"
    static let lifetime: TimeInterval = 14 * 86_400

    /// Signs `user` in: a new session cookie and a fresh CSRF token (never one chosen before sign-in).
    static func start(for user: UserModel, on req: Request, response: Response) async throws {
        let token = SecureToken.generate()
        let session = WebSessionModel()
        session.id = UUID()
        session.tokenHash = SecureToken.hash(token)
        session.userId = (try user.requireID())
        session.companyId = user.companyId
        session.createdAt = req.now
        session.expiresAt = req.now.addingTimeInterval(lifetime)
        try await req.write { db in try await session.create(on: db) }
        response.cookies[cookie] = cookieValue(token, req: req, maxAge: Int(lifetime))
        response.cookies[csrfCookie] = cookieValue(SecureToken.generate(), req: req, maxAge: nil)
    }

    static func end(on req: Request, response: Response) async throws {
        if let token = req.cookies[cookie]?.string {
            let hash = SecureToken.hash(token)
            let ended = try await req.write { db in
                let sessions = try await WebSessionModel.query(on: db).filter(\.$tokenHash == hash).all()
                try await WebSessionModel.query(on: db).filter(\.$tokenHash == hash).delete()
                return try sessions.map { SessionKey.browser(try $0.requireID()) }
            }
            await req.application.endSessions(ended)
        }
        response.cookies[cookie] = cookieValue("", req: req, maxAge: 0)
    }

    private struct UserKey: StorageKey { typealias Value = WebUser }

    /// The signed-in user, or nil (no cookie, unknown or expired session, or a user who no longer exists).
    static func user(of req: Request) async throws -> WebUser? {
        if let known = req.storage[UserKey.self] { return known }
        guard let token = req.cookies[cookie]?.string, !token.isEmpty, token.count < 200 else { return nil }
        // One query for the session, its user and the user's company: every page asks this first.
        guard
            let session = try await WebSessionModel.query(on: req.db).filter(\.$tokenHash == SecureToken.hash(token))
                .join(UserModel.self, on: \WebSessionModel.$userId == \UserModel.$id)
                .join(CompanyModel.self, on: \UserModel.$companyId == \CompanyModel.$id)
                .first(),
            session.expiresAt > req.now,
            let user = try? session.joined(UserModel.self),
            let company = try? session.joined(CompanyModel.self)
        else { return nil }
        let webUser = WebUser(
            caller: Caller(
                userId: (try user.requireID()), companyId: user.companyId, role: user.role,
                sessionExpiresAt: session.expiresAt, sessionKey: .browser(try session.requireID())),
            name: user.name, companyName: company.name)
        req.storage[UserKey.self] = webUser
        req.consistency?.identify(webUser.caller.userId)
        req.logger[metadataKey: "userId"] = .string((try user.requireID()).lowercasedString)
        return webUser
    }

    /// The signed-in user, or a redirect to the sign-in page that comes back here.
    /// Form posts count against the same per-user write limit as the API's writes.
    static func requireUser(_ req: Request) async throws -> WebUser {
        guard let user = try await user(of: req) else { throw PageRedirect.toLogin(returningTo: req.url.string) }
        if req.method != .GET && req.method != .HEAD { try await req.enforceWriteLimit(for: user.caller) }
        return user
    }

    // MARK: CSRF

    /// The token forms must carry; set as a cookie on the page's response when the browser has none yet.
    static func csrfToken(_ req: Request) -> String {
        if let existing = req.cookies[csrfCookie]?.string, existing.count >= 20 { return existing }
        if let minted = req.storage[CSRFKey.self] { return minted }
        let minted = SecureToken.generate()
        req.storage[CSRFKey.self] = minted
        return minted
    }

    private struct CSRFKey: StorageKey { typealias Value = String }

    /// Puts a newly minted CSRF token in the response's cookies.
    static func attachCSRFCookie(_ req: Request, to response: Response) {
        guard let minted = req.storage[CSRFKey.self], response.cookies[csrfCookie] == nil else { return }
        response.cookies[csrfCookie] = cookieValue(minted, req: req, maxAge: nil)
    }

    /// Every form POST: the submitted token must equal the cookie (403 otherwise).
    static func verifyCSRF(_ req: Request, submitted: String?) throws {
        guard let cookie = req.cookies[csrfCookie]?.string, let submitted, !cookie.isEmpty,
            Data(cookie.utf8).count == Data(submitted.utf8).count,
            zip(cookie.utf8, submitted.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else {
            throw APIError.forbidden(
                "This form has expired or did not come from BidForge. Reload the page and try again.")
        }
    }

    private static func cookieValue(_ value: String, req: Request, maxAge: Int?) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value, expires: nil, maxAge: maxAge, domain: nil, path: "/",
            isSecure: req.arrivedOverTLS, isHTTPOnly: true, sameSite: .lax)
    }
}

/// Thrown by pages that need something first (signing in): `PageErrors` turns it into a 303.
struct PageRedirect: Error {
    let location: String

    static func toLogin(returningTo path: String) -> PageRedirect {
        let safe = SiteURL.isLocal(path) ? path : SiteURL.dashboard.path
        return PageRedirect(
            location: SiteURL.login.path + "?next="
                + (safe.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
    }
}

import Vapor

/// A form a page posts: every field optional (an empty form when the body is missing or not a form) and the CSRF token.
protocol PageForm: Decodable, Sendable {
    init()
    var _csrf: String? { get }
}

/// A form whose only field is the CSRF token (buttons: withdraw, publish, read all…).
struct ButtonForm: PageForm {
    var _csrf: String?
}

/// Marks routes whose posts go through `formPost` / `publicFormPost` (the form-posting test checks every page post).
let pageFormRouteKey = "pageForm"

extension RoutesBuilder {
    /// A signed-in user's form post, as `authed` is for the API: the session (signed-out visitors go to the sign-in
    /// page), the per-user write budget, the form decoded once and its CSRF token checked — then `handler`.
    @discardableResult
    func formPost<Form: PageForm>(
        _ url: SiteURL, form: Form.Type,
        use handler: @escaping @Sendable (Request, WebUser, Form) async throws -> Response
    ) -> Route {
        let route = on(.POST, url.pathComponents) { req async throws -> Response in
            let user = try await WebSession.requireUser(req)
            let form = try WebForms.decode(Form.self, from: req, orElse: Form())
            try WebSession.verifyCSRF(req, submitted: form._csrf)
            return try await handler(req, user, form)
        }
        route.userInfo[pageFormRouteKey] = true
        return route
    }

    /// A form posted before signing in (sign-in, sign-up) or by anyone (sign-out): the form and its CSRF token.
    @discardableResult
    func publicFormPost<Form: PageForm>(
        _ url: SiteURL, form: Form.Type,
        use handler: @escaping @Sendable (Request, Form) async throws -> Response
    ) -> Route {
        let route = on(.POST, url.pathComponents) { req async throws -> Response in
            let form = try WebForms.decode(Form.self, from: req, orElse: Form())
            try WebSession.verifyCSRF(req, submitted: form._csrf)
            return try await handler(req, form)
        }
        route.userInfo[pageFormRouteKey] = true
        return route
    }

    /// A signed-in script's post whose body is not a form (an upload streamed as it arrives, a realtime ticket): the
    /// session, the write budget, and the CSRF token from the `X-CSRF-Token` header — checked before the body is read.
    /// `queryTokenToo`: the `_csrf` query item is accepted as well (the upload form without a script).
    @discardableResult
    func headerCSRFPost(
        _ url: SiteURL, body: HTTPBodyStreamStrategy = .collect, queryTokenToo: Bool = false,
        use handler: @escaping @Sendable (Request, WebUser) async throws -> Response
    ) -> Route {
        let route = on(.POST, url.pathComponents, body: body) { req async throws -> Response in
            let user = try await WebSession.requireUser(req)
            let query = queryTokenToo ? req.queryParameters[WebSession.csrfField] : nil
            try WebSession.verifyCSRF(req, submitted: req.headers.first(name: "X-CSRF-Token") ?? query)
            return try await handler(req, user)
        }
        route.userInfo[pageFormRouteKey] = true
        return route
    }
}

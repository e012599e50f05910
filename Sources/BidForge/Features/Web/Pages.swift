import Leaf
import Vapor

/// What every page's layout needs: the title, who is signed in, the CSRF token for its forms, asset URLs.
struct LayoutContext: Encodable, Sendable {
    struct SignedIn: Encodable, Sendable {
        let name: String
        let companyName: String
        let role: String
        let mayPost: Bool
        let mayBid: Bool
        /// Unread notifications, shown as the badge in the navigation (and kept current by the page script).
        let unreadCount: Int
    }

    let title: String
    let user: SignedIn?
    let csrf: String
    let stylesheet: String
    let script: String
    let favicon: String
    /// Every fixed link of the site, from the route table.
    var links = SiteLinks()
    /// The page's own address when it is answered at another (a refused form is shown at the address it posted to):
    /// the page script reloads and refreshes from here, and puts it in the address bar.
    var canonical: String? = nil
}

struct PageContext<Page: Encodable & Sendable>: Encodable, Sendable {
    let layout: LayoutContext
    let page: Page
}

/// Renders Leaf pages with the headers every page needs: a strict Content-Security-Policy (scripts and styles only from
/// the asset origin), `no-store` (pages show the signed-in user's data) and the CSRF cookie when newly minted.
enum Pages {
    static func render<Page: Encodable & Sendable>(
        _ req: Request, _ template: String, title: String, _ page: Page,
        status: HTTPResponseStatus = .ok, canonical: String? = nil
    ) async throws -> Response {
        let user = try await WebSession.user(of: req)
        let assets = req.application.staticAssets
        var signedIn: LayoutContext.SignedIn?
        if let user {
            signedIn = .init(
                name: user.name, companyName: user.companyName, role: user.caller.role.rawValue,
                mayPost: user.caller.role.mayPostProjects, mayBid: user.caller.role.mayBid,
                unreadCount: try await NotificationInbox.unreadCount(of: user.caller, on: req.db))
        }
        let layout = LayoutContext(
            title: title,
            user: signedIn,
            csrf: WebSession.csrfToken(req),
            stylesheet: assets.url(for: "bidforge.css"), script: assets.url(for: "bidforge.js"),
            favicon: assets.url(for: "favicon.svg"),
            canonical: canonical.flatMap { $0.lowercased() == req.url.path.lowercased() ? nil : $0 })
        let view = try await req.view.render(template, PageContext(layout: layout, page: page))
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: contentSecurityPolicy(assets.prefix))
        let response = Response(status: status, headers: headers, body: .init(buffer: view.data))
        WebSession.attachCSRFCookie(req, to: response)
        return response
    }

    static func contentSecurityPolicy(_ assetPrefix: String) -> String {
        let assets = assetPrefix.isEmpty ? "'self'" : assetPrefix
        let images = assetPrefix.isEmpty ? "'self'" : "'self' \(assetPrefix)"
        return "default-src 'none'; script-src \(assets); style-src \(assets); img-src \(images) data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    static func redirect(_ location: String) -> Response {
        let response = Response(status: .seeOther)
        response.headers.replaceOrAdd(name: .location, value: location)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// Pages answer errors with HTML (keeping the real status) and send signed-out visitors to the sign-in page; the API's
/// JSON errors are for the API.
struct PageErrors: AsyncMiddleware {
    struct ErrorPage: Encodable, Sendable {
        let status: Int
        let heading: String
        let message: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let redirect as PageRedirect {
            return Pages.redirect(redirect.location)
        } catch let error as APIError {
            if error.status == .unauthorized {
                return Pages.redirect(PageRedirect.toLogin(returningTo: request.url.string).location)
            }
            let heading =
                error.status == .notFound
                ? "Not found" : error.status == .forbidden ? "Not allowed" : "Something is wrong"
            let response = try await Pages.render(
                request, "error", title: heading,
                ErrorPage(status: Int(error.status.code), heading: heading, message: error.message),
                status: error.status)
            // Retry-After
            for (name, value) in error.headers { response.headers.replaceOrAdd(name: name, value: value) }
            return response
        }
    }
}

extension Application {
    /// Leaf reads templates from `viewsDirectory`; they are cached in production and re-read on every render elsewhere
    /// (edit a template, reload the page).
    func configurePages(viewsDirectory: String) {
        // Leaf's default configuration reads its root from here.
        var root =
            viewsDirectory.hasPrefix("/")
            ? viewsDirectory : FileManager.default.currentDirectoryPath + "/" + viewsDirectory
        if !root.hasSuffix("/") { root += "/" }
        directory.viewsDirectory = root
        views.use(.leaf)
        leaf.cache.isEnabled = environment == .production
    }
}

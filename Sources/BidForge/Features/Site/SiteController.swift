import Vapor

/// `GET /`: the front page, until the web application (issue 6) takes over. Its stylesheet and icon are named through
/// `StaticAssets`, so they are fingerprinted and follow `ASSET_PREFIX`.
struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
    }

    func home(_ req: Request) async throws -> Response {
        let assets = req.application.staticAssets
        let html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>BidForge</title>
            <link rel="icon" href="\(assets.url(for: "favicon.svg"))">
            <link rel="stylesheet" href="\(assets.url(for: "bidforge.css"))">
            </head>
            <body>
            <main>
            <h1>BidForge</h1>
            <p>Post projects with plans and specs, invite contractors, level their bids side by side and award one.</p>
            <p class="muted">The HTTP API is described at <a href="/openapi.json">/openapi.json</a>.</p>
            </main>
            </body>
            </html>
            """
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        let assetSource = assets.prefix.isEmpty ? "'self'" : assets.prefix
        headers.replaceOrAdd(name: "Content-Security-Policy",
                             value: "default-src 'none'; style-src \(assetSource); img-src \(assetSource); base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }
}

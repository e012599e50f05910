import Vapor

/// Operations endpoints are always served; each feature's routes only when its service is selected, so one binary can
/// run as any of the scaling plan's services behind the gateway.
func routes(_ app: Application) throws {
    try app.register(collection: MetricsController())
    try app.register(collection: StaticAssetsController())
    if app.settings.services.contains(.web) {
        let pages = app.grouped(PageErrors())
        let before = app.routes.all.count
        for collection in [
            OwnerPagesController(), BidderPagesController(), PublicPagesController(), AccountPagesController(),
            DashboardController(), NotificationPagesController(), ConversationPagesController(),
            CompanyPagesController()
        ] as [any RouteCollection] {
            try pages.register(collection: collection)
        }
        // HTML pages, not part of the HTTP API that /openapi.json describes.
        for route in app.routes.all[before...] { route.userInfo[pageRouteKey] = true }
    }
    let api = app.grouped("api")
    try api.register(collection: HealthController())
    app.get("openapi.json") { req async throws -> Response in
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OpenAPIDocument.json()))
    }

    let v1 = api.grouped("v1")
    for service in Settings.Service.allCases where app.settings.services.contains(service) && service != .web {
        for collection in collections(of: service) { try v1.register(collection: collection) }
    }
}

/// Marks routes that serve HTML pages.
let pageRouteKey = "page"

/// Which feature serves which part of the API.
func collections(of service: Settings.Service) -> [any RouteCollection] {
    switch service {
    case .auth: [AccountsController(), CompaniesController(), TradesController()]
    case .projects: [ProjectsController(), InvitationsController(), QuestionsController()]
    case .bids: [BidsController(), LevelingController()]
    case .notifications: [NotificationsController(), ConversationsController(), RealtimeController()]
    case .analytics: [AnalyticsController()]
    case .files: [DocumentsController()]
    case .web: []  // pages are registered outside /api/v1, above
    }
}

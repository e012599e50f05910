import Vapor

/// Operations endpoints are always served; each feature's routes only when its service is selected, so one binary can
/// run as any of the scaling plan's services behind the gateway.
func routes(_ app: Application) throws {
    try app.register(collection: MetricsController())
    try app.register(collection: StaticAssetsController())
    try app.register(collection: SiteController())
    let api = app.grouped("api")
    try api.register(collection: HealthController())
    app.get("openapi.json") { req async throws -> Response in
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OpenAPIDocument.json()))
    }

    let v1 = api.grouped("v1")
    for service in Settings.Service.allCases where app.settings.services.contains(service) {
        for collection in collections(of: service) { try v1.register(collection: collection) }
    }
}

/// Which feature serves which part of the API.
func collections(of service: Settings.Service) -> [any RouteCollection] {
    switch service {
    case .auth: [AccountsController(), CompaniesController(), TradesController()]
    case .projects: [ProjectsController(), InvitationsController(), QuestionsController()]
    case .bids: [BidsController(), LevelingController()]
    case .notifications: [NotificationsController(), ConversationsController(), RealtimeController()]
    case .analytics: [AnalyticsController()]
    case .files: [DocumentsController()]
    }
}

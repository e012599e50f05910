import Vapor

/// Every feature registers its own routes under `/api/v1`; operations endpoints live at `/api` and the root.
func routes(_ app: Application) throws {
    try app.register(collection: MetricsController())
    let api = app.grouped("api")
    try api.register(collection: HealthController())

    let v1 = api.grouped("v1")
    try v1.register(collection: AccountsController())
    try v1.register(collection: CompaniesController())
    try v1.register(collection: TradesController())
    try v1.register(collection: ProjectsController())
    try v1.register(collection: InvitationsController())
    try v1.register(collection: QuestionsController())
    try v1.register(collection: BidsController())
    try v1.register(collection: LevelingController())
    try v1.register(collection: NotificationsController())
    try v1.register(collection: AnalyticsController())

    app.get("openapi.json") { req async throws -> Response in
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: try OpenAPIDocument.json()))
    }
}

import BidForgeCore
import Fluent
import Vapor

/// The home page with project search, and a project's page — visible exactly as the API shows them.
struct PublicPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.page(.home, use: home)
        routes.page(.project, use: project)
        routes.page(.document, use: document)
    }

    struct Search: Encodable, Sendable {
        var q = ""
        var trade = ""
        var state = ""
        var minBudget = ""
        var maxBudget = ""
        var dueBefore = ""
    }

    struct HomePage: Encodable, Sendable {
        let search: Search
        let trades: [AccountPagesController.TradeOption]
        let states: [String]
        let projects: [ProjectCard]
        let total: Int
        let page: Int
        let previousURL: String?
        let nextURL: String?
        let errors: [String: String]
    }

    func home(_ req: Request) async throws -> Response {
        let caller = try await WebSession.user(of: req)?.caller
        let search = Search(
            q: req.queryParameters["q"] ?? "", trade: req.queryParameters["trade"] ?? "",
            state: req.queryParameters["state"] ?? "",
            minBudget: req.queryParameters["minBudget"] ?? "",
            maxBudget: req.queryParameters["maxBudget"] ?? "",
            dueBefore: req.queryParameters["dueBefore"] ?? "")
        // Clamped before any arithmetic: `?page=461168601842738791` once overflowed `page * 20` and took the process down.
        let pageNumber = min(Paging.maxPage, max(1, req.queryParameters["page"].flatMap(Int.init) ?? 1))
        var errors: [String: String] = [:]
        var cards: [ProjectCard] = []
        var total = 0
        do {
            let filter = try ProjectFilter(Self.raw(search), paging: try Paging(page: pageNumber, limit: 20))
            let listing = try await ProjectQueries.list(filter, caller: caller, in: req.useCases)
            cards = listing.rows.map(ProjectCard.init)
            total = listing.total
        } catch let error as APIError {
            errors = AccountPagesController.fieldErrors(error)
        } catch let error as ValidationErrors {
            errors = error.problems
        }
        let trades = Trades.all.map {
            AccountPagesController.TradeOption(code: $0.code, name: $0.name, selected: $0.code == search.trade)
        }
        func link(_ page: Int) -> String {
            var items = URLComponents()
            items.queryItems =
                [
                    ("q", search.q), ("trade", search.trade), ("state", search.state), ("minBudget", search.minBudget),
                    ("maxBudget", search.maxBudget), ("dueBefore", search.dueBefore)
                ]
                .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) } + [
                    URLQueryItem(name: "page", value: String(page))
                ]
            return SiteURL.home.path + "?" + (items.percentEncodedQuery ?? "")
        }
        let page = HomePage(
            search: search, trades: trades, states: USStates.codes.sorted(), projects: cards, total: total,
            page: pageNumber, previousURL: pageNumber > 1 ? link(pageNumber - 1) : nil,
            nextURL: pageNumber * 20 < total ? link(pageNumber + 1) : nil, errors: errors)
        return try await Pages.render(req, "home", title: "Find projects to bid", page)
    }

    /// The page's fields in the API's terms: budgets in dollars become cents, a date becomes the end of that day (UTC).
    static func raw(_ search: Search) throws -> ProjectFilter.Raw {
        var errors = ValidationErrors()
        var raw = ProjectFilter.Raw()
        raw.q = search.q.isEmpty ? nil : search.q
        raw.trade = search.trade.isEmpty ? nil : search.trade
        raw.state = search.state.isEmpty ? nil : search.state
        raw.minBudgetCents = PageFormats.cents(fromDollars: search.minBudget, field: "minBudget", into: &errors)
        raw.maxBudgetCents = PageFormats.cents(fromDollars: search.maxBudget, field: "maxBudget", into: &errors)
        if !search.dueBefore.isEmpty {
            if search.dueBefore.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil {
                raw.dueBefore = search.dueBefore + "T23:59:59Z"
            } else {
                errors.add("dueBefore", "must be a date")
            }
        }
        try errors.throwIfAny()
        return raw
    }

    func project(_ req: Request) async throws -> Response {
        try await ProjectPageView.render(req, project: req.projectID, notice: nil, status: .ok)
    }

    /// A document for the signed-in browser: the same checks and recording as the API's content endpoint.
    func document(_ req: Request) async throws -> Response {
        try await DocumentDownloads.serve(req, caller: try await WebSession.user(of: req)?.caller)
    }
}

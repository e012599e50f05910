import Vapor
import Fluent
import BidForgeCore

/// The home page with project search, and a project's page — visible exactly as the API shows them.
struct PublicPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("projects", ":projectID", use: project)
        routes.get("documents", ":documentID", use: document)
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
        let search = Search(q: req.query[String.self, at: "q"] ?? "", trade: req.query[String.self, at: "trade"] ?? "",
                            state: req.query[String.self, at: "state"] ?? "",
                            minBudget: req.query[String.self, at: "minBudget"] ?? "",
                            maxBudget: req.query[String.self, at: "maxBudget"] ?? "",
                            dueBefore: req.query[String.self, at: "dueBefore"] ?? "")
        let pageNumber = max(1, req.query[String.self, at: "page"].flatMap(Int.init) ?? 1)
        var errors: [String: String] = [:]
        var cards: [ProjectCard] = []
        var total = 0
        do {
            let filter = try ProjectFilter(Self.raw(search), paging: try Paging(page: pageNumber, limit: 20))
            let (rows, count) = try await ProjectQueries.list(filter, caller: caller, on: req.db)
            cards = rows.map { ProjectCard($0.0, bidCount: $0.1) }
            total = count
        } catch let error as APIError {
            errors = AccountPagesController.fieldErrors(error)
        } catch let error as ValidationErrors {
            errors = error.problems
        }
        let trades = Trades.all.map { AccountPagesController.TradeOption(code: $0.code, name: $0.name, selected: $0.code == search.trade) }
        func link(_ page: Int) -> String {
            var items = URLComponents()
            items.queryItems = [("q", search.q), ("trade", search.trade), ("state", search.state), ("minBudget", search.minBudget),
                                ("maxBudget", search.maxBudget), ("dueBefore", search.dueBefore)]
                .filter { !$0.1.isEmpty }.map { URLQueryItem(name: $0.0, value: $0.1) } + [URLQueryItem(name: "page", value: String(page))]
            return SiteURL.home + "?" + (items.percentEncodedQuery ?? "")
        }
        let page = HomePage(search: search, trades: trades, states: USStates.codes.sorted(), projects: cards, total: total,
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

    struct DocumentRow: Encodable, Sendable {
        let url: String
        let thumbnailURL: String?
        let filename: String
        let title: String?
        let size: String
        let addendumNumber: Int?
    }

    struct ProjectPage: Encodable, Sendable {
        let project: ProjectCard
        let isOwner: Bool
        let documents: [DocumentRow]
        let location: String
        let sealed: Bool
        /// Why the last action was refused (shown at the top).
        let notice: String?
        let actions: [Action]
        let uploadLimit: String?
        let uploadNote: String
        let myBid: MyBid?
        let bidForm: BidFormContext?
        let leveling: LevelingContext?
    }

    /// The owner's side-by-side view of the live bids.
    struct LevelingContext: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let bidId: String
            let rank: Int
            let companyName: String
            let amount: String
            let amountCents: Int64
            let delta: String
            let missingTrades: String
            let exclusions: String
            let staleAddendum: Bool
        }
        let rows: [Row]
        let sealedUntil: String?
        let csvURL: String
        let awardURL: String
        let mayAward: Bool
        let median: String
    }

    struct MyBid: Encodable, Sendable {
        let amount: String
        let status: String
        let revision: Int
        let acknowledged: Int
        let latestAddendum: Int
        let staleAddendum: Bool
    }

    struct BidFormContext: Encodable, Sendable {
        let action: String
        let trades: [AccountPagesController.TradeOption]
        let rows: [Int]
        let addenda: [Int]
        let latestAddendum: Int
    }

    struct Action: Encodable, Sendable {
        let url: String
        let label: String
        let style: String
        /// Asked before submitting (empty: no question).
        let confirm: String
    }

    func project(_ req: Request) async throws -> Response {
        try await Self.renderProject(req, notice: nil, status: .ok)
    }

    static func renderProject(_ req: Request, notice: String?, status: HTTPResponseStatus) async throws -> Response {
        let user = try await WebSession.user(of: req)
        let caller = user?.caller
        let (project, relation) = try await ProjectAccess.load(req, caller: caller)
        if relation == .invited, let caller {
            try await InvitationsController.markViewedIfPending(projectId: project.id!, companyId: caller.companyId, req: req)
        }
        let bidCount = try await ProjectAccess.bidCount(project.id!, on: req.db)
        let documents = try await DocumentModel.query(on: req.db).filter(\.$projectId == project.id!)
            .sort(\.$createdAt).sort(\.$id).limit(200).all()
        let rows = documents.map { d in
            DocumentRow(url: SiteURL.document(d.id!), thumbnailURL: d.derivatives == .ready ? SiteURL.document(d.id!, variant: "thumbnail") : nil,
                        filename: d.filename, title: d.title,
                        size: ByteCountFormatter.string(fromByteCount: d.sizeBytes, countStyle: .decimal), addendumNumber: d.addendumNumber)
        }
        let manages = relation == .owner && (caller?.role.mayPostProjects ?? false)
        var actions: [Action] = []
        let url = SiteURL.project(project.id!)
        if manages {
            if project.status.canMove(to: .open) { actions.append(Action(url: url + "/publish", label: "Publish", style: "", confirm: "")) }
            if project.status.canMove(to: .closed) {
                actions.append(Action(url: url + "/close", label: "Close bidding", style: "", confirm: "Close bidding now? No more bids can come in."))
            }
            if project.status.canMove(to: .cancelled) {
                actions.append(Action(url: url + "/cancel", label: "Cancel project", style: "secondary", confirm: "Cancel this project? Bidders will be told."))
            }
        }
        var uploadLimit: String?
        if manages, project.status != .cancelled, let company = try await CompanyModel.find(project.companyId, on: req.db) {
            uploadLimit = "\(company.plan.maxDocumentBytes / 1_000_000) MB"
        }
        var myBid: MyBid?
        var bidForm: BidFormContext?
        if let caller, relation != .owner, caller.role.mayBid {
            if let bid = try await BidModel.query(on: req.db).filter(\.$projectId == project.id!)
                .filter(\.$companyId == caller.companyId).sort(\.$createdAt, .descending).first() {
                myBid = MyBid(amount: PageFormats.money(bid.amountCents), status: bid.status.rawValue, revision: bid.revision,
                              acknowledged: bid.acknowledgedAddendum, latestAddendum: project.addendumCount,
                              staleAddendum: bid.acknowledgedAddendum < project.addendumCount)
            }
            if project.status == .open, project.bidDueAt > req.now, myBid?.status != BidStatus.submitted.rawValue {
                bidForm = BidFormContext(
                    action: url + "/bids",
                    trades: project.trades.map { code in .init(code: code, name: Trades.name(of: code) ?? code, selected: false) },
                    rows: [1, 2, 3], addenda: Array(0...project.addendumCount), latestAddendum: project.addendumCount)
            }
        }
        var leveling: LevelingContext?
        if manages, bidCount > 0 {
            let sealed = BidAccess.hidesPrice(of: project, from: .owner, now: req.now)
            let sheet = sealed ? nil : try await LevelingController.sheet(for: project, on: req.db)
            leveling = LevelingContext(
                rows: (sheet?.bids ?? []).map { row in
                    .init(bidId: row.bidId, rank: row.rank, companyName: row.companyName, amount: PageFormats.money(row.amountCents),
                          amountCents: row.amountCents, delta: row.rank == 1 ? "lowest" : String(format: "+%.1f %%", row.deltaFromLowestPct),
                          missingTrades: row.missingTrades.joined(separator: ", "), exclusions: row.exclusions.joined(separator: "; "),
                          staleAddendum: row.staleAddendum)
                },
                sealedUntil: sealed ? PageFormats.utc(project.bidDueAt) : nil, csvURL: url + "/leveling.csv", awardURL: url + "/award",
                mayAward: project.status.canMove(to: .awarded), median: PageFormats.money(sheet?.stats.median))
        }
        let page = ProjectPage(project: ProjectCard(project, bidCount: bidCount), isOwner: relation == .owner, documents: rows,
                               location: [project.city, project.state].filter { !$0.isEmpty }.joined(separator: ", "),
                               sealed: project.sealed, notice: notice, actions: actions, uploadLimit: uploadLimit,
                               uploadNote: "up to \(uploadLimit ?? "")" + (project.status == .open
                                   ? "; on an open project each upload is an addendum and bidders are told" : ""),
                               myBid: myBid, bidForm: bidForm, leveling: leveling)
        return try await Pages.render(req, "project", title: project.title, page, status: status)
    }

    /// A document for the signed-in browser: the same checks and recording as the API's content endpoint.
    func document(_ req: Request) async throws -> Response {
        try await DocumentDownloads.serve(req, caller: try await WebSession.user(of: req)?.caller)
    }
}

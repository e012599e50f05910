import BidForgeCore
import Fluent
import Vapor

/// The signed-in user's company: its profile (editable by the company's admins, as through the API), its plan with
/// each limit beside what is used of it, and its people.
struct CompanyPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.page(.company, use: show)
        routes.formPost(.company, form: UpdateForm.self, use: update)
    }

    struct Usage: Encodable, Sendable {
        let label: String
        let used: String
        let limit: String
        /// 0–100 for the bar, when there is a limit.
        let percent: Int
        let limited: Bool
    }

    struct Member: Encodable, Sendable {
        let name: String
        let email: String
        let role: String
        let admin: Bool
    }

    struct CompanyPage: Encodable, Sendable {
        let name: String
        let plan: String
        let usage: [Usage]
        let members: [Member]
        let isAdmin: Bool
        let trades: [AccountPagesController.TradeOption]
        let states: [StateOption]
        let saved: Bool
        let errors: [String: String]
    }

    struct StateOption: Encodable, Sendable {
        let code: String
        let selected: Bool
    }

    func show(_ req: Request) async throws -> Response {
        try await render(req, errors: [:], status: .ok)
    }

    struct UpdateForm: PageForm {
        var name: String?
        var trades: [String]?
        var states: [String]?
        var _csrf: String?
    }

    func update(_ req: Request, _ user: WebUser, _ form: UpdateForm) async throws -> Response {
        do {
            let patch = CompanyPatch(
                name: form.name ?? "", trades: form.trades ?? [], serviceArea: ServiceArea(states: form.states ?? []))
            _ = try await CompanyActions.update(user.caller.companyId, with: patch, by: user.caller, in: req.useCases)
        } catch let errors as ValidationErrors {
            return try await render(
                req, errors: PageFormats.formErrors(errors.problems, renaming: [("serviceArea.states", "states")]),
                status: .badRequest)
        }
        return Pages.redirect(SiteURL.company.path + "?saved=1")
    }

    func render(_ req: Request, errors: [String: String], status: HTTPResponseStatus) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        guard let company = try await CompanyModel.find(user.caller.companyId, on: req.db) else {
            throw APIError.unauthenticated
        }
        let people = try await UserModel.query(on: req.db).filter(\.$companyId == (try company.requireID())).sort(
            \.$name
        ).limit(200).all()
        let me = people.first { $0.id == user.caller.userId }
        let page = CompanyPage(
            name: company.name, plan: company.plan.rawValue,
            usage: try await Self.usage(of: company, now: req.now, db: req.db),
            members: people.map {
                Member(name: $0.name, email: $0.email, role: $0.role.rawValue, admin: $0.companyRole == .admin)
            },
            isAdmin: me?.companyRole == .admin,
            trades: Trades.all.map { .init(code: $0.code, name: $0.name, selected: company.trades.contains($0.code)) },
            states: USStates.codes.sorted().map { StateOption(code: $0, selected: company.serviceStates.contains($0)) },
            saved: req.queryParameters["saved"] == "1" && errors.isEmpty, errors: errors)
        return try await Pages.render(req, "company", title: company.name, page, status: status)
    }

    /// Each plan limit beside what the company uses of it now (counted as the limits themselves count).
    static func usage(of company: CompanyModel, now: Date, db: any Database) async throws -> [Usage] {
        let open = try await ProjectModel.query(on: db).filter(\.$companyId == (try company.requireID())).filter(
            \.$status == .open
        ).count()
        let bids = try await BidCounters.count(try company.requireID(), at: now, on: db)
        func row(_ label: String, _ used: Int, _ limit: Int?) -> Usage {
            Usage(
                label: label, used: String(used), limit: limit.map(String.init) ?? "unlimited",
                percent: limit.map { $0 > 0 ? min(100, used * 100 / $0) : 100 } ?? 0, limited: limit != nil)
        }
        return [
            row("Open projects at once", open, company.plan.maxOpenProjects),
            row("Bids this month", bids, company.plan.maxBidsPerMonth),
            Usage(
                label: "Largest document", used: "—", limit: "\(company.plan.maxDocumentBytes / 1_000_000) MB",
                percent: 0, limited: false)
        ]
    }
}

import BidForgeCore
import Vapor

/// Sign up, sign in, sign out — the same use cases as the API (`AccountActions.register/authenticate`).
struct AccountPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.page(.login, use: loginPage)
        routes.publicFormPost(.login, form: LoginForm.self, use: login)
        routes.page(.signup, use: signupPage)
        routes.publicFormPost(.signup, form: SignupForm.self, use: signup)
        routes.publicFormPost(.logout, form: ButtonForm.self, use: logout)
    }

    struct TradeOption: Encodable, Sendable {
        let code: String
        let name: String
        let selected: Bool
    }

    struct LoginPage: Encodable, Sendable {
        var email = ""
        var next = ""
        var error: String?
    }

    struct SignupPage: Encodable, Sendable {
        var name = ""
        var email = ""
        var role = "CONTRACTOR"
        var companyName = ""
        var states = ""
        var trades: [TradeOption] = Trades.all.map { TradeOption(code: $0.code, name: $0.name, selected: false) }
        var errors: [String: String] = [:]
    }

    struct LoginForm: PageForm {
        var email: String?
        var password: String?
        var next: String?
        var _csrf: String?
    }

    struct SignupForm: PageForm {
        var name: String?
        var email: String?
        var password: String?
        var role: String?
        var companyName: String?
        var states: String?
        var trades: [String]?
        var _csrf: String?
    }

    func loginPage(_ req: Request) async throws -> Response {
        if try await WebSession.user(of: req) != nil { return Pages.redirect(SiteURL.dashboard.path) }
        let next = req.queryParameters["next"].flatMap { SiteURL.isLocal($0) ? $0 : nil } ?? ""
        return try await Pages.render(req, "login", title: "Sign in", LoginPage(next: next))
    }

    func login(_ req: Request, _ form: LoginForm) async throws -> Response {
        let next = form.next.flatMap { SiteURL.isLocal($0) && !$0.isEmpty ? $0 : nil } ?? SiteURL.dashboard.path
        do {
            try await req.enforceSignInLimit(email: form.email ?? "")
            let user = try await AccountActions.authenticate(
                LoginInput(email: form.email ?? "", password: form.password ?? ""), in: req.useCases
            ).value
            let response = Pages.redirect(next)
            try await WebSession.start(for: user, on: req, response: response)
            return response
        } catch let error as APIError where error.status == .unauthorized {
            return try await Pages.render(
                req, "login", title: "Sign in",
                LoginPage(email: form.email ?? "", next: form.next ?? "", error: error.message),
                status: .unauthorized)
        }
    }

    func signupPage(_ req: Request) async throws -> Response {
        try await Pages.render(req, "signup", title: "Create your account", SignupPage())
    }

    func signup(_ req: Request, _ form: SignupForm) async throws -> Response {
        let states = (form.states ?? "").split(whereSeparator: { $0 == "," || $0 == " " }).map { $0.uppercased() }
        let trades = form.trades ?? []
        var page = SignupPage(
            name: form.name ?? "", email: form.email ?? "", role: form.role ?? "",
            companyName: form.companyName ?? "", states: form.states ?? "",
            trades: Trades.all.map { TradeOption(code: $0.code, name: $0.name, selected: trades.contains($0.code)) })
        guard let role = form.role.flatMap(UserRole.init(rawValue:)), UserRole.selfAssignable.contains(role) else {
            page.errors = ["role": "Choose owner, contractor or subcontractor."]
            return try await Pages.render(req, "signup", title: "Create your account", page, status: .badRequest)
        }
        let input = RegisterInput(
            email: form.email ?? "", password: form.password ?? "", name: form.name ?? "", role: role,
            company: CompanyInput(
                name: form.companyName ?? "", trades: trades,
                serviceArea: ServiceArea(states: states)),
            inviteToken: nil)
        do {
            try await req.enforceSignUpLimit()
            let (user, _) = try await AccountActions.register(input, in: req.useCases).value
            let response = Pages.redirect(SiteURL.dashboard.path)
            try await WebSession.start(for: user, on: req, response: response)
            return response
        } catch let error as APIError where error.status == .badRequest || error.code == "EMAIL_TAKEN" {
            page.errors = Self.fieldErrors(error)
            return try await Pages.render(req, "signup", title: "Create your account", page, status: error.status)
        } catch let errors as ValidationErrors {
            page.errors = Self.fieldErrors(APIError.validation(errors))
            return try await Pages.render(req, "signup", title: "Create your account", page, status: .badRequest)
        }
    }

    func logout(_ req: Request, _ form: ButtonForm) async throws -> Response {
        let response = Pages.redirect(SiteURL.home.path)
        try await WebSession.end(on: req, response: response)
        return response
    }

    /// The API's field names (`company.name`) mapped onto the sign-up form's (`companyName`).
    static func fieldErrors(_ error: APIError) -> [String: String] {
        if error.code == "EMAIL_TAKEN" { return ["email": error.message] }
        let problems = (error.details ?? [:]).compactMapValues { value -> String? in
            if case .string(let text) = value { text } else { nil }
        }
        return PageFormats.formErrors(
            problems,
            renaming: [
                ("company.name", "companyName"), ("company.trades", "trades"),
                ("company.serviceArea.states", "states")
            ])
    }
}

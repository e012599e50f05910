import BidForgeCore
import Vapor

/// What an owner does to a project in the browser: post one, publish, close, cancel, upload documents. Each action is
/// the API's own handler (same rules, same events), called with the session's caller.
struct OwnerPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.page(.newProject, use: newProjectPage)
        routes.formPost(.projects, form: ProjectForm.self, use: createProject)
        routes.formPost(.projectPublish, form: ButtonForm.self) { req, user, _ in
            try await transition(req) {
                try await ProjectActions.publish(req.projectID, by: user.caller, in: req.useCases)
            }
        }
        routes.formPost(.projectClose, form: ButtonForm.self) { req, user, _ in
            try await transition(req) {
                try await ProjectActions.close(req.projectID, by: user.caller, in: req.useCases)
            }
        }
        routes.formPost(.projectCancel, form: ButtonForm.self) { req, user, _ in
            try await transition(req) {
                try await ProjectActions.cancel(req.projectID, by: user.caller, in: req.useCases)
            }
        }
        routes.formPost(.projectAward, form: AwardForm.self, use: award)
        routes.page(.projectEdit, use: editProjectPage)
        routes.formPost(.projectEdit, form: ProjectForm.self, use: updateProject)
        routes.formPost(.projectInvitations, form: InviteForm.self, use: invite)
        routes.formPost(.questionAnswer, form: AnswerForm.self, use: answer)
        routes.page(.projectLevelingCSV, use: levelingCSV)
        let upload = routes.headerCSRFPost(.projectDocuments, body: .stream, queryTokenToo: true, use: uploadDocument)
        upload.userInfo[APIMiddleware.streamsBodyKey] = true
        routes.formPost(.documentDelete, form: ButtonForm.self, use: deleteDocument)
    }

    struct ProjectForm: PageForm {
        var title: String?
        var description: String?
        var visibility: String?
        var sealed: String?
        var trades: [String]?
        var city: String?
        var state: String?
        var postalCode: String?
        var minBudget: String?
        var maxBudget: String?
        var bidDueAt: String?
        /// Minutes east of UTC of the browser (set by the page's script); without it the time is taken as UTC.
        var utcOffsetMinutes: String?
        var _csrf: String?
    }

    struct NewProjectPage: Encodable, Sendable {
        var heading = "Post a project"
        var intro = "It starts as a draft: nobody else sees it until you publish it."
        var action = SiteURL.projects.path
        var submitLabel = "Save draft"
        var notice: String?
        var values: [String: String] = ["visibility": "PUBLIC"]
        var trades: [AccountPagesController.TradeOption] = Trades.all.map {
            .init(code: $0.code, name: $0.name, selected: false)
        }
        var states: [String] = USStates.codes.sorted()
        var errors: [String: String] = [:]
    }

    func newProjectPage(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        try ProjectAccess.requireMayPost(user.caller)
        return try await Pages.render(req, "project-new", title: "Post a project", NewProjectPage())
    }

    func createProject(_ req: Request, _ user: WebUser, _ form: ProjectForm) async throws -> Response {
        var page = NewProjectPage()
        page.keep(form)
        do {
            let (input, formProblems) = Self.input(form)
            if !formProblems.isEmpty {
                // What the form itself could not read, and everything the API would say of the rest, at once.
                var all = formProblems
                all.merge(ProjectActions.problems(of: input, now: req.now))
                throw all
            }
            let project = try await ProjectActions.create(input, by: user.caller, in: req.useCases).value
            return Pages.redirect(SiteURL.project(try project.requireID()))
        } catch let errors as ValidationErrors {
            page.errors = Self.formFields(errors.problems)
        } catch let error as APIError where error.status == .badRequest {
            page.errors = Self.formFields(AccountPagesController.fieldErrors(error))
        }
        return try await Pages.render(
            req, "project-new", title: "Post a project", page, status: .badRequest, canonical: SiteURL.newProject.path)
    }

    func editProjectPage(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let project = try await ProjectAccess.loadOwned(req, caller: user.caller)
        guard project.status.isEditable else {
            throw APIError.invalidTransition(from: project.status.rawValue, action: "edit the project")
        }
        return try await Pages.render(
            req, "project-new", title: "Edit \(project.title)", try NewProjectPage(editing: project))
    }

    func updateProject(_ req: Request, _ user: WebUser, _ form: ProjectForm) async throws -> Response {
        let project = try await ProjectAccess.loadOwned(req, caller: user.caller)
        var page = try NewProjectPage(editing: project)
        page.keep(form)
        do {
            let (input, formProblems) = Self.input(form)
            try formProblems.throwIfAny()
            var patch = ProjectPatch(replacingWith: input)
            // The form shows the due time to the minute: sending back the same minute leaves it where it was.
            if let due = patch.bidDueAt,
                (due.timeIntervalSince1970 / 60).rounded(.down)
                    == (project.bidDueAt.timeIntervalSince1970 / 60).rounded(.down)
            {
                patch.bidDueAt = nil
            }
            _ = try await ProjectActions.update(project.requireID(), with: patch, by: user.caller, in: req.useCases)
            return Pages.redirect(SiteURL.project(try project.requireID()))
        } catch let errors as ValidationErrors {
            page.errors = Self.formFields(errors.problems)
        } catch let error as APIError where error.status == .badRequest {
            page.errors = Self.formFields(AccountPagesController.fieldErrors(error))
        } catch let error as APIError where error.status == .conflict {
            page.notice = error.message
        }
        return try await Pages.render(
            req, "project-new", title: "Edit \(project.title)", page,
            status: page.notice == nil ? .badRequest : .conflict,
            canonical: SiteURL.projectEdit(try project.requireID()))
    }

    /// Invites the companies ticked in the search results, or every company matching the chosen trades and state.
    struct InviteForm: PageForm {
        var companyIds: [String]?
        var matchTrades: [String]?
        var matchState: String?
        var mode: String?
        var _csrf: String?
    }

    func invite(_ req: Request, _ user: WebUser, _ form: InviteForm) async throws -> Response {
        let projectId = req.projectID
        let byMatch = form.mode == "match"
        let match = InvitationActions.Match(
            trades: form.matchTrades ?? [], states: (form.matchState ?? "").isEmpty ? [] : [form.matchState ?? ""])
        let invited: [InvitationActions.Invited]
        do {
            invited = try await InvitationActions.invite(
                companies: byMatch ? [] : (form.companyIds ?? []).compactMap(UUID.init(uuidString:)),
                matching: byMatch ? match : nil, to: projectId, by: user.caller, in: req.useCases
            ).value
        } catch {
            return try await ProjectPageView.refused(error, req: req, project: projectId)
        }
        if invited.isEmpty {
            return try await ProjectPageView.render(
                req, project: projectId, notice: "No company matched: nobody was invited.", status: .ok)
        }
        return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)) + "#invitations")
    }

    struct AnswerForm: PageForm {
        var body: String?
        var _csrf: String?
    }

    func answer(_ req: Request, _ user: WebUser, _ form: AnswerForm) async throws -> Response {
        let id = req.parameters.get("questionID", as: UUID.self)
        do {
            let question = try await QuestionActions.answer(
                id, with: form.body ?? "", by: user.caller, in: req.useCases
            ).value
            return Pages.redirect(SiteURL.project(question.projectId) + "#questions")
        } catch let error as ValidationErrors {
            guard let id, let question = try await QuestionModel.find(id, on: req.db) else { throw error }
            return try await ProjectPageView.render(
                req, project: question.projectId,
                notice: "The answer " + (error.problems["body"] ?? "is not valid"), status: .badRequest)
        } catch let error as APIError where error.status == .conflict || error.status == .badRequest {
            guard let id, let question = try await QuestionModel.find(id, on: req.db) else { throw error }
            return try await ProjectPageView.render(
                req, project: question.projectId, notice: error.message, status: error.status)
        }
    }

    /// The form in the API's terms: dollars to cents, the local due time to UTC.
    static func input(_ form: ProjectForm) -> (ProjectInput, ValidationErrors) {
        var errors = ValidationErrors()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        formatter.isLenient = false  // 30 February is a typo, not 2 March
        var due = formatter.date(from: form.bidDueAt ?? "")
        if due == nil { errors.add("bidDueAt", "must be a date and time") }
        // A range check, not `abs`: `abs(Int.min)` traps, and any signed-in user could send it.
        if let offset = form.utcOffsetMinutes.flatMap(Int.init), (-14 * 60...14 * 60).contains(offset) {
            due = due?.addingTimeInterval(TimeInterval(-offset * 60))
        }
        let input = ProjectInput(
            title: form.title ?? "", description: form.description,
            visibility: form.visibility.flatMap(ProjectVisibility.init(rawValue:)) ?? .public,
            sealed: form.sealed != nil,
            trades: form.trades ?? [],
            location: Location(
                address: nil, city: form.city ?? "", state: form.state ?? "", postalCode: form.postalCode ?? "",
                country: nil),
            budgetMinCents: PageFormats.cents(fromDollars: form.minBudget, field: "minBudget", into: &errors),
            budgetMaxCents: PageFormats.cents(fromDollars: form.maxBudget, field: "maxBudget", into: &errors),
            bidDueAt: due ?? Date(timeIntervalSince1970: 0))
        return (input, errors)
    }

    static func formFields(_ problems: [String: String]) -> [String: String] {
        PageFormats.formErrors(
            problems,
            renaming: [
                ("location.city", "city"), ("location.state", "state"),
                ("location.postalCode", "postalCode"), ("budgetMinCents", "minBudget"),
                ("budgetMaxCents", "maxBudget")
            ])
    }

    /// Publish, close or cancel: a refusal (a state rule, the plan's limit, a due time in the past) shows the page again.
    func transition(_ req: Request, _ action: () async throws -> Outcome<ProjectModel>) async throws -> Response {
        do {
            _ = try await action()
        } catch let error as APIError where [.conflict, .paymentRequired, .badRequest].contains(error.status) {
            return try await ProjectPageView.render(
                req, project: req.projectID, notice: error.message, status: error.status)
        }
        return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)))
    }

    struct AwardForm: PageForm {
        var bidId: String?
        var _csrf: String?
    }

    func award(_ req: Request, _ user: WebUser, _ form: AwardForm) async throws -> Response {
        guard let bidId = form.bidId.flatMap(UUID.init(uuidString:)) else { throw APIError.notFound("Bid") }
        do {
            _ = try await ProjectActions.award(req.projectID, bidId: bidId, by: user.caller, in: req.useCases)
        } catch let error as APIError where error.status == .conflict {
            return try await ProjectPageView.render(
                req, project: req.projectID, notice: error.message, status: error.status)
        }
        return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)))
    }

    /// The leveling sheet as CSV for the signed-in owner (the API's, through the session).
    func levelingCSV(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let project = try await ProjectAccess.loadOwned(req, caller: user.caller)
        try BidAccess.requirePricesVisible(project, now: req.now)
        return try LevelingSheets.csv(try await LevelingSheets.sheet(for: project, on: req.db), of: project)
    }

    /// The page's upload form (and its script, with a progress bar) post here; the CSRF token travels in the
    /// `X-CSRF-Token` header or the form's action URL, because it must be checked before the file is read.
    func deleteDocument(_ req: Request, _ user: WebUser, _ form: ButtonForm) async throws -> Response {
        let documentId = req.parameters.get("documentID", as: UUID.self)
        do {
            let projectId = try await DocumentActions.delete(documentId, by: user.caller, in: req.useCases).value
            return Pages.redirect(SiteURL.project(projectId) + "#docs")
        } catch {
            let document = try await DocumentActions.ownedDocument(documentId, by: user.caller, on: req.db)
            return try await ProjectPageView.refused(error, req: req, project: document.projectId)
        }
    }

    func uploadDocument(_ req: Request, _ user: WebUser) async throws -> Response {
        // The page script asks for JSON by name; a browser's `*/*` (which Vapor's media type equality matches to
        // anything) means the form was posted without it, and gets the page.
        let wantsJSON = req.headers.accept.contains {
            $0.mediaType.type == "application" && $0.mediaType.subType == "json"
        }
        do {
            let response = try await DocumentsController().upload(req, user.caller)
            if wantsJSON { return response }
            return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)) + "#docs")
        } catch let error as APIError where error.status.code < 500 && error.status != .notFound {
            if wantsJSON { return APIMiddleware.render(error, for: req) }
            return try await ProjectPageView.render(
                req, project: req.projectID, notice: error.message, status: error.status)
        }
    }
}

extension OwnerPagesController.NewProjectPage {
    /// The edit form, filled from the project (the due time in UTC until the page script shows it in local time).
    init(editing project: ProjectModel) throws {
        self.init()
        heading = "Edit project"
        intro =
            project.status == .open
            ? "Bidders are told about changes. Visibility and sealing can no longer change once published."
            : "Still a draft: nobody else sees it until you publish it."
        action = SiteURL.projectEdit(try project.requireID())
        submitLabel = "Save changes"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        values = [
            "title": project.title, "description": project.description, "visibility": project.visibility.rawValue,
            "sealed": project.sealed ? "on" : "", "city": project.city, "state": project.state,
            "postalCode": project.postalCode, "minBudget": project.budgetMinCents.map { String($0 / 100) } ?? "",
            "maxBudget": project.budgetMaxCents.map { String($0 / 100) } ?? "",
            "bidDueAt": formatter.string(from: project.bidDueAt), "bidDueAtUTC": JSONCoding.formatDate(project.bidDueAt)
        ]
        trades = Trades.all.map { .init(code: $0.code, name: $0.name, selected: project.trades.contains($0.code)) }
    }

    /// What was typed, shown again with the errors.
    mutating func keep(_ form: OwnerPagesController.ProjectForm) {
        values = [
            "title": form.title ?? "", "description": form.description ?? "", "visibility": form.visibility ?? "PUBLIC",
            "sealed": form.sealed == nil ? "" : "on", "city": form.city ?? "", "state": form.state ?? "",
            "postalCode": form.postalCode ?? "", "minBudget": form.minBudget ?? "", "maxBudget": form.maxBudget ?? "",
            "bidDueAt": form.bidDueAt ?? ""
        ]
        trades = Trades.all.map { .init(code: $0.code, name: $0.name, selected: (form.trades ?? []).contains($0.code)) }
    }
}

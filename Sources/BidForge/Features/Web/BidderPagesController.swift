import Vapor
import Fluent
import BidForgeCore

/// What a bidder does in the browser: bid with line items, revise, withdraw, ask questions, answer invitations — each
/// through the API's own rules and events.
struct BidderPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("projects", ":projectID", "bids", use: submitBid)
        routes.post("bids", ":bidID", "revise", use: reviseBid)
        routes.post("bids", ":bidID", "withdraw", use: withdrawBid)
        routes.post("projects", ":projectID", "questions", use: ask)
        routes.post("invitations", ":invitationID", "respond", use: respond)
    }

    struct BidForm: Decodable {
        var description: [String]?
        var trade: [String]?
        var quantity: [String]?
        var unit: [String]?
        var unitPrice: [String]?
        var exclusions: String?
        var notes: String?
        var acknowledgedAddendum: String?
        var _csrf: String?

        /// At most `LineItemRules.maxItems` rows of each column, for showing the form again: a refused post of 69,000
        /// empty rows once took minutes and a gigabyte to render back.
        func limited() -> BidForm {
            var form = self
            let keep = LineItemRules.maxItems
            for column in [\BidForm.description, \.trade, \.quantity, \.unit, \.unitPrice] {
                form[keyPath: column] = form[keyPath: column].map { Array($0.prefix(keep)) }
            }
            return form
        }
    }

    func submitBid(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let typed = try WebForms.decode(BidForm.self, from: req, orElse: BidForm())
        try WebSession.verifyCSRF(req, submitted: typed._csrf)
        let (project, relation) = try await ProjectAccess.load(req, caller: user.caller)
        guard relation != .owner, user.caller.role.mayBid else {
            throw APIError.forbidden("Only contractors and subcontractors of another company may bid on this project.")
        }
        do {
            _ = try await BidsController.submit(try Self.input(typed), on: project, by: user.caller, req: req)
        } catch {
            return try await ProjectPageView.refused(error, req: req, retry: .init(bidForm: typed.limited()))
        }
        return Pages.redirect(SiteURL.project(project.id!) + "#my-bid")
    }

    func reviseBid(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let typed = try WebForms.decode(BidForm.self, from: req, orElse: BidForm())
        try WebSession.verifyCSRF(req, submitted: typed._csrf)
        let (bid, _, relation) = try await BidAccess.load(req, caller: user.caller)
        try BidsController.requireBidder(relation, user.caller)
        do {
            let input = try Self.input(typed)
            let patch = BidPatch(amountCents: input.amountCents, notes: input.notes ?? "", lineItems: input.lineItems,
                                 exclusions: input.exclusions, acknowledgedAddendum: input.acknowledgedAddendum)
            _ = try await BidsController.revise(bid, with: patch, by: user.caller, req: req)
        } catch {
            return try await ProjectPageView.refused(error, req: req, projectId: bid.projectId, retry: .init(bidForm: typed.limited()))
        }
        return Pages.redirect(SiteURL.project(bid.projectId) + "#my-bid")
    }

    func withdrawBid(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        try WebSession.verifyCSRF(req, submitted: try WebForms.decode(CSRFOnly.self, from: req, orElse: CSRFOnly())._csrf)
        let (bid, _, relation) = try await BidAccess.load(req, caller: user.caller)
        try BidsController.requireBidder(relation, user.caller)
        do {
            _ = try await BidsController.withdraw(bid, by: user.caller, req: req)
        } catch {
            return try await ProjectPageView.refused(error, req: req, projectId: bid.projectId, retry: .init())
        }
        return Pages.redirect(SiteURL.project(bid.projectId) + "#my-bid")
    }

    func ask(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        struct Form: Decodable { var body: String?; var _csrf: String? }
        let form = try WebForms.decode(Form.self, from: req, orElse: Form())
        try WebSession.verifyCSRF(req, submitted: form._csrf)
        let (project, relation) = try await ProjectAccess.load(req, caller: user.caller)
        try QuestionsController.requireAsker(relation, user.caller)
        do {
            _ = try await QuestionsController.ask(form.body ?? "", on: project, by: user.caller, req: req)
        } catch let errors as ValidationErrors {
            return try await ProjectPageView.render(req, notice: nil, status: .badRequest,
                                                    retry: .init(question: form.body, fieldErrors: ["question": "Your question " + (errors.problems["body"] ?? "is not valid")]))
        } catch {
            return try await ProjectPageView.refused(error, req: req, retry: .init(question: form.body))
        }
        return Pages.redirect(SiteURL.project(project.id!) + "#questions")
    }

    func respond(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        struct Form: Decodable { var response: String?; var _csrf: String? }
        let form = try WebForms.decode(Form.self, from: req, orElse: Form())
        try WebSession.verifyCSRF(req, submitted: form._csrf)
        guard let id = req.parameters.get("invitationID", as: UUID.self) else { throw APIError.notFound("Invitation") }
        guard let answer = form.response.flatMap(InvitationsController.RespondInput.Answer.init(rawValue:)) else {
            throw APIError.validation("response", "must be WILL_BID or DECLINED")
        }
        _ = try await InvitationsController.respond(to: id, with: answer, by: user.caller, req: req)
        return Pages.redirect(SiteURL.dashboard + "#invitations")
    }

    struct CSRFOnly: Decodable { var _csrf: String? }

    /// The form's rows (prices in dollars) as the API's line items; the amount is their sum, so it always adds up.
    /// Every figure is checked before any arithmetic: a form can send any number of rows with any numbers in them.
    static func input(_ form: BidForm) throws -> BidInput {
        var errors = ValidationErrors()
        var items: [LineItem] = []
        let descriptions = form.description ?? []
        guard descriptions.count <= LineItemRules.maxItems else {
            throw APIError.validation("lineItems", "must have at most \(LineItemRules.maxItems) lines")
        }
        for (index, text) in descriptions.enumerated() {
            let description = text.trimmingCharacters(in: .whitespaces)
            guard !description.isEmpty else { continue }
            func field(_ values: [String]?) -> String { (values ?? []).indices.contains(index) ? values![index] : "" }
            let line = "line \(index + 1)"
            let quantity = Double(field(form.quantity).replacingOccurrences(of: ",", with: "")) ?? 0
            guard let unitCents = Money.cents(fromDollars: field(form.unitPrice)), quantity > 0 else {
                errors.add(line, "needs a quantity and a unit price")
                continue
            }
            guard let total = LineItemRules.expectedTotal(quantity: quantity, unitPriceCents: unitCents),
                  total <= Money.maxCents else {
                errors.add(line, "quantity × unit price is too large (at most 4 decimals in the quantity)")
                continue
            }
            items.append(LineItem(description: description, trade: field(form.trade), quantity: quantity,
                                  unit: field(form.unit).isEmpty ? "EA" : field(form.unit), unitPriceCents: unitCents, totalCents: total))
        }
        if items.isEmpty && errors.isEmpty { errors.add("lineItems", "add at least one line with a price") }
        let amount = LineItemRules.sum(items)
        if amount == nil { errors.add("lineItems", "add up to more than a bid may be") }
        try errors.throwIfAny()
        let exclusions = (form.exclusions ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return BidInput(amountCents: amount ?? 0, currency: "USD", notes: form.notes,
                        lineItems: items, exclusions: exclusions,
                        acknowledgedAddendum: form.acknowledgedAddendum.flatMap(Int.init) ?? 0, validUntil: nil)
    }

    static func describe(_ problems: [String: String]) -> String {
        problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

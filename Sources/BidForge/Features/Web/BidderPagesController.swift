import BidForgeCore
import Fluent
import Vapor

/// What a bidder does in the browser: bid with line items, revise, withdraw, ask questions, answer invitations — each
/// through the API's own rules and events.
struct BidderPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.formPost(.projectBids, form: BidForm.self, use: submitBid)
        routes.formPost(.bidRevise, form: BidForm.self, use: reviseBid)
        routes.formPost(.bidWithdraw, form: ButtonForm.self, use: withdrawBid)
        routes.formPost(.projectQuestions, form: QuestionForm.self, use: ask)
        routes.formPost(.invitationRespond, form: RespondForm.self, use: respond)
    }

    struct BidForm: PageForm {
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

    func submitBid(_ req: Request, _ user: WebUser, _ form: BidForm) async throws -> Response {
        let projectId = req.projectID
        do {
            _ = try await BidActions.submit(try Self.input(form), to: projectId, by: user.caller, in: req.useCases)
        } catch {
            return try await ProjectPageView.refused(
                error, req: req, project: projectId, retry: .init(bidForm: form.limited()))
        }
        return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)) + "#my-bid")
    }

    func reviseBid(_ req: Request, _ user: WebUser, _ form: BidForm) async throws -> Response {
        let bidId = req.parameters.get("bidID", as: UUID.self)
        do {
            let input = try Self.input(form)
            let patch = BidPatch(
                amountCents: input.amountCents, notes: input.notes ?? "", lineItems: input.lineItems,
                exclusions: input.exclusions, acknowledgedAddendum: input.acknowledgedAddendum)
            let placed = try await BidActions.revise(bidId, with: patch, by: user.caller, in: req.useCases)
            return Pages.redirect(SiteURL.project(placed.value.bid.projectId) + "#my-bid")
        } catch {
            let projectId = try await BidAccess.find(bidId, caller: user.caller, on: req.db).0.projectId
            return try await ProjectPageView.refused(
                error, req: req, project: projectId, retry: .init(bidForm: form.limited()))
        }
    }

    func withdrawBid(_ req: Request, _ user: WebUser, _ form: ButtonForm) async throws -> Response {
        let bidId = req.parameters.get("bidID", as: UUID.self)
        do {
            let placed = try await BidActions.withdraw(bidId, by: user.caller, in: req.useCases)
            return Pages.redirect(SiteURL.project(placed.value.bid.projectId) + "#my-bid")
        } catch {
            let projectId = try await BidAccess.find(bidId, caller: user.caller, on: req.db).0.projectId
            return try await ProjectPageView.refused(error, req: req, project: projectId)
        }
    }

    struct QuestionForm: PageForm {
        var body: String?
        var _csrf: String?
    }

    func ask(_ req: Request, _ user: WebUser, _ form: QuestionForm) async throws -> Response {
        let projectId = req.projectID
        do {
            _ = try await QuestionActions.ask(form.body ?? "", on: projectId, by: user.caller, in: req.useCases)
        } catch let errors as ValidationErrors {
            return try await ProjectPageView.render(
                req, project: projectId, notice: nil, status: .badRequest,
                retry: .init(
                    question: form.body,
                    fieldErrors: ["question": "Your question " + (errors.problems["body"] ?? "is not valid")]))
        } catch {
            return try await ProjectPageView.refused(
                error, req: req, project: projectId, retry: .init(question: form.body))
        }
        return Pages.redirect(SiteURL.project(try req.parameters.require("projectID", as: UUID.self)) + "#questions")
    }

    struct RespondForm: PageForm {
        var response: String?
        var _csrf: String?
    }

    func respond(_ req: Request, _ user: WebUser, _ form: RespondForm) async throws -> Response {
        guard let answer = form.response.flatMap(InvitationAnswer.init(rawValue:)) else {
            throw APIError.validation("response", "must be WILL_BID or DECLINED")
        }
        _ = try await InvitationActions.respond(
            to: req.parameters.get("invitationID", as: UUID.self), with: answer,
            by: user.caller, in: req.useCases)
        return Pages.redirect(SiteURL.dashboard.path + "#invitations")
    }

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
                total <= Money.maxCents
            else {
                errors.add(line, "quantity × unit price is too large (at most 4 decimals in the quantity)")
                continue
            }
            items.append(
                LineItem(
                    description: description, trade: field(form.trade), quantity: quantity,
                    unit: field(form.unit).isEmpty ? "EA" : field(form.unit), unitPriceCents: unitCents,
                    totalCents: total))
        }
        if items.isEmpty && errors.isEmpty { errors.add("lineItems", "add at least one line with a price") }
        let amount = LineItemRules.sum(items)
        if amount == nil { errors.add("lineItems", "add up to more than a bid may be") }
        try errors.throwIfAny()
        let exclusions = (form.exclusions ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return BidInput(
            amountCents: amount ?? 0, currency: "USD", notes: form.notes,
            lineItems: items, exclusions: exclusions,
            acknowledgedAddendum: form.acknowledgedAddendum.flatMap(Int.init) ?? 0, validUntil: nil)
    }

    static func describe(_ problems: [String: String]) -> String {
        problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

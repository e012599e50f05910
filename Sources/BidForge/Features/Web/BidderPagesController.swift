import Vapor
import Fluent
import BidForgeCore

/// What a bidder does on a project page: bid with line items (the same rules and events as the API's submit).
struct BidderPagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post("projects", ":projectID", "bids", use: submitBid)
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
    }

    func submitBid(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let form = WebForms.decode(BidForm.self, from: req, orElse: BidForm())
        try WebSession.verifyCSRF(req, submitted: form._csrf)
        let (project, relation) = try await ProjectAccess.load(req, caller: user.caller)
        guard relation != .owner, user.caller.role.mayBid else {
            throw APIError.forbidden("Only contractors and subcontractors of another company may bid on this project.")
        }
        do {
            _ = try await BidsController.submit(try Self.input(form), on: project, by: user.caller, req: req)
        } catch let errors as ValidationErrors {
            return try await PublicPagesController.renderProject(req, notice: Self.describe(errors.problems), status: .badRequest)
        } catch let error as APIError where [.badRequest, .conflict, .paymentRequired].contains(error.status) {
            let notice = error.details.map { details in
                Self.describe(details.compactMapValues { if case .string(let text) = $0 { text } else { nil } })
            }.flatMap { $0.isEmpty ? nil : $0 } ?? error.message
            return try await PublicPagesController.renderProject(req, notice: notice, status: error.status)
        }
        return Pages.redirect(SiteURL.project(project.id!) + "#my-bid")
    }

    /// The form's rows (prices in dollars) as the API's line items; the amount is their sum, so it always adds up.
    static func input(_ form: BidForm) throws -> BidInput {
        var errors = ValidationErrors()
        var items: [LineItem] = []
        let descriptions = form.description ?? []
        for (index, text) in descriptions.enumerated() {
            let description = text.trimmingCharacters(in: .whitespaces)
            guard !description.isEmpty else { continue }
            func field(_ values: [String]?) -> String { (values ?? []).indices.contains(index) ? values![index] : "" }
            let quantity = Double(field(form.quantity).replacingOccurrences(of: ",", with: "")) ?? 0
            let dollars = Decimal(string: field(form.unitPrice).replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "$", with: ""))
            guard let dollars, quantity > 0 else {
                errors.add("line \(index + 1)", "needs a quantity and a unit price")
                continue
            }
            let unitCents = NSDecimalNumber(decimal: dollars * 100).rounding(accordingToBehavior: nil).int64Value
            let total = LineItemRules.expectedTotal(quantity: quantity, unitPriceCents: unitCents) ?? 0
            items.append(LineItem(description: description, trade: field(form.trade), quantity: quantity,
                                  unit: field(form.unit).isEmpty ? "EA" : field(form.unit), unitPriceCents: unitCents, totalCents: total))
        }
        if items.isEmpty && errors.isEmpty { errors.add("lineItems", "add at least one line with a price") }
        try errors.throwIfAny()
        let exclusions = (form.exclusions ?? "").split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return BidInput(amountCents: items.reduce(0) { $0 + $1.totalCents }, currency: "USD", notes: form.notes,
                        lineItems: items, exclusions: exclusions,
                        acknowledgedAddendum: form.acknowledgedAddendum.flatMap(Int.init) ?? 0, validUntil: nil)
    }

    static func describe(_ problems: [String: String]) -> String {
        problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }
}

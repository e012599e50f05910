import BidForgeCore
import Foundation

/// How pages show money, dates and projects. Times are sent as ISO-8601 in `<time datetime>`; the page's script shows
/// them in the viewer's time zone, and the UTC text stands without JavaScript.
enum PageFormats {
    static func money(_ cents: Int64?) -> String {
        guard let cents else { return "—" }
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US")
        formatter.numberStyle = .currency
        formatter.currencyCode = "USD"
        return formatter.string(from: NSNumber(value: Double(cents) / 100)) ?? "$\(cents / 100)"
    }

    /// Cents as a plain dollar figure for a form field ("1250.5" → "1250.50").
    static func dollars(_ cents: Int64) -> String {
        String(format: "%@%lld.%02lld", cents < 0 ? "-" : "", abs(cents) / 100, abs(cents) % 100)
    }

    /// A quantity for a form field, without a trailing ".0".
    static func quantity(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func utc(_ date: Date) -> String { HumanTime.utc(date) }

    /// A whole number of dollars as typed ("$50,000") in cents; nil for an empty field; a problem in `errors` otherwise.
    static func cents(fromDollars text: String?, field: String, into errors: inout ValidationErrors) -> Int64? {
        let cleaned = (text ?? "").replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "$", with: "")
            .trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return nil }
        guard let dollars = Int64(cleaned), dollars >= 0, dollars < 1_000_000_000_000 else {
            errors.add(field, "must be a whole number of dollars")
            return nil
        }
        return dollars * 100
    }

    /// The API's problems under the form's field names (`location.city` → `city`); list fields report per element
    /// (`company.serviceArea.states[1]`), hence prefixes.
    static func formErrors(_ problems: [String: String], renaming names: [(api: String, form: String)]) -> [String:
        String]
    {
        var fields: [String: String] = [:]
        for (field, problem) in problems { fields[names.first { field.hasPrefix($0.api) }?.form ?? field] = problem }
        return fields
    }

    /// A trade code with its name where known ("26 Electrical").
    static func trade(_ code: String) -> String {
        Trades.name(of: code).map { "\(code) \($0)" } ?? code
    }

    static func budget(_ min: Int64?, _ max: Int64?) -> String {
        switch (min, max) {
        case let (min?, max?): "\(money(min)) – \(money(max))"
        case let (min?, nil): "from \(money(min))"
        case let (nil, max?): "up to \(money(max))"
        default: "not given"
        }
    }
}

/// A project as the pages list and show it.
struct ProjectCard: Encodable, Sendable {
    let id: String
    let url: String
    let title: String
    let description: String
    let status: String
    let city: String
    let state: String
    let trades: [String]
    let budget: String
    let bidDueAt: String
    let bidDueText: String
    let bidCount: Int
    let addendumCount: Int
    let inviteOnly: Bool

    init(_ p: ProjectDTO) {
        id = p.id.lowercasedString
        url = SiteURL.project(p.id)
        title = p.title
        description = p.description
        status = p.status.rawValue
        city = p.location.city
        state = p.location.state
        trades = p.trades.map(PageFormats.trade)
        budget = PageFormats.budget(p.budgetMinCents, p.budgetMaxCents)
        bidDueAt = JSONCoding.formatDate(p.bidDueAt)
        bidDueText = PageFormats.utc(p.bidDueAt)
        bidCount = p.bidCount
        addendumCount = p.addendumCount
        inviteOnly = p.visibility == .inviteOnly
    }
}

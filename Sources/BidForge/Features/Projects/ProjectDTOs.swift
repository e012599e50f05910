import BidForgeCore
import PostgresNIO
import Vapor

struct Location: Codable, Sendable {
    var address: String?
    var city: String
    var state: String
    var postalCode: String
    var country: String?

    func validate(into errors: inout ValidationErrors) {
        errors.text("location.address", address, required: false, max: 300)
        errors.text("location.city", city, required: true, max: 100)
        if !USStates.codes.contains(state) { errors.add("location.state", "must be a US state code such as \"CA\"") }
        errors.text("location.postalCode", postalCode, required: true, max: 20)
        if let country, country != "US" {
            errors.add("location.country", "must be \"US\" (BidForge serves US projects)")
        }
    }
}

/// `POST /projects`.
struct ProjectInput: Decodable, Sendable {
    var title: String
    var description: String?
    var visibility: ProjectVisibility?
    var sealed: Bool?
    var trades: [String]?
    var location: Location
    var budgetMinCents: Int64?
    var budgetMaxCents: Int64?
    var bidDueAt: Date
}

/// `PATCH /projects/{id}`: every field optional; budgets may be cleared with an explicit null.
struct ProjectPatch: Decodable, Sendable {
    var title: String?
    var description: String?
    var visibility: ProjectVisibility?
    var sealed: Bool?
    var trades: [String]?
    var location: Location?
    var budgetMinCents: Int64??
    var budgetMaxCents: Int64??
    var bidDueAt: Date?

    enum CodingKeys: String, CodingKey {
        case title, description, visibility, sealed, trades, location, budgetMinCents, budgetMaxCents, bidDueAt
    }

    /// Every field of a whole form (the edit page sends them all; an empty budget clears it).
    init(replacingWith input: ProjectInput) {
        title = input.title
        description = input.description
        visibility = input.visibility
        sealed = input.sealed
        trades = input.trades
        location = input.location
        budgetMinCents = .some(input.budgetMinCents)
        budgetMaxCents = .some(input.budgetMaxCents)
        bidDueAt = input.bidDueAt
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decodeIfPresent(String.self, forKey: .title)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        visibility = try c.decodeIfPresent(ProjectVisibility.self, forKey: .visibility)
        sealed = try c.decodeIfPresent(Bool.self, forKey: .sealed)
        trades = try c.decodeIfPresent([String].self, forKey: .trades)
        location = try c.decodeIfPresent(Location.self, forKey: .location)
        budgetMinCents =
            c.contains(.budgetMinCents) ? .some(try c.decodeIfPresent(Int64.self, forKey: .budgetMinCents)) : nil
        budgetMaxCents =
            c.contains(.budgetMaxCents) ? .some(try c.decodeIfPresent(Int64.self, forKey: .budgetMaxCents)) : nil
        bidDueAt = try c.decodeIfPresent(Date.self, forKey: .bidDueAt)
    }
}

enum ProjectRules {
    static let maxTitle = 200
    static let maxDescription = 20_000

    /// Checks the fields of a project as they would be after a create or an edit.
    static func validate(_ p: ProjectModel, now: Date, requireFutureDue: Bool) throws {
        try problems(p, now: now, requireFutureDue: requireFutureDue).throwIfAny()
    }

    static func problems(_ p: ProjectModel, now: Date, requireFutureDue: Bool) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.text("title", p.title, required: true, max: maxTitle)
        errors.text("description", p.description, required: false, max: maxDescription)
        Trades.validate("trades", p.trades, into: &errors)
        errors.text("location.address", p.address, required: false, max: 300)
        errors.range("budgetMinCents", p.budgetMinCents, min: 0, max: Money.maxCents)
        errors.range("budgetMaxCents", p.budgetMaxCents, min: 0, max: Money.maxCents)
        if let lo = p.budgetMinCents, let hi = p.budgetMaxCents, lo > hi {
            errors.add("budgetMaxCents", "must not be below the minimum budget")
        }
        if requireFutureDue && p.bidDueAt <= now { errors.add("bidDueAt", "must be in the future") }
        return errors
    }
}

struct ProjectDTO: Encodable, Sendable {
    let id: UUID
    let companyId: UUID
    let title: String
    let description: String
    let status: ProjectStatus
    let visibility: ProjectVisibility
    let sealed: Bool
    let trades: [String]
    let location: Location
    @NullEncoded var budgetMinCents: Int64?
    @NullEncoded var budgetMaxCents: Int64?
    let bidDueAt: Date
    @NullEncoded var publishedAt: Date?
    @NullEncoded var awardedBidId: UUID?
    let addendumCount: Int
    let bidCount: Int
    let createdAt: Date
    let updatedAt: Date

    init(_ p: ProjectModel, bidCount: Int) throws {
        id = (try p.requireID())
        companyId = p.companyId
        title = p.title
        description = p.description
        status = p.status
        visibility = p.visibility
        sealed = p.sealed
        trades = p.trades
        location = Location(
            address: p.address, city: p.city, state: p.state, postalCode: p.postalCode, country: p.country)
        budgetMinCents = p.budgetMinCents
        budgetMaxCents = p.budgetMaxCents
        bidDueAt = p.bidDueAt
        publishedAt = p.publishedAt
        awardedBidId = p.awardedBidId
        addendumCount = p.addendumCount
        self.bidCount = bidCount
        createdAt = p.createdAt
        updatedAt = p.updatedAt
    }
}

extension ProjectDTO {
    /// A `SELECT p.*, … AS bid_count` row, read by concrete column types (`PostgresRows`).
    init(postgres row: PostgresRandomAccessRow) throws {
        id = try row.value("id")
        companyId = try row.value("company_id")
        title = try row.value("title")
        description = try row.value("description")
        status = try row.choice("status", ProjectStatus.self)
        visibility = try row.choice("visibility", ProjectVisibility.self)
        sealed = try row.value("sealed")
        trades = ListColumn.split(try row.value("trades", as: String.self))
        location = Location(
            address: try row.value("address"), city: try row.value("city"), state: try row.value("state"),
            postalCode: try row.value("postal_code"), country: try row.value("country", as: String.self))
        budgetMinCents = try row.value("budget_min_cents")
        budgetMaxCents = try row.value("budget_max_cents")
        bidDueAt = try row.value("bid_due_at")
        publishedAt = try row.value("published_at")
        awardedBidId = try row.value("awarded_bid_id")
        addendumCount = try row.value("addendum_count")
        bidCount = try row.value("bid_count")
        createdAt = try row.value("created_at")
        updatedAt = try row.value("updated_at")
    }

    /// The JSON `JSONCoding.encoder` writes for this project, written directly (listings write twenty at a time).
    var json: [UInt8] {
        var out = JSONBytes(capacity: 640 + description.utf8.count)
        write(to: &out)
        return out.bytes
    }

    /// Keys in the encoder's sorted order.
    func write(to out: inout JSONBytes) {
        out.beginObject()
        out.key("addendumCount")
        out.int(addendumCount)
        out.key("awardedBidId")
        out.id(awardedBidId)
        out.key("bidCount")
        out.int(bidCount)
        out.key("bidDueAt")
        out.date(bidDueAt)
        out.key("budgetMaxCents")
        out.int(budgetMaxCents)
        out.key("budgetMinCents")
        out.int(budgetMinCents)
        out.key("companyId")
        out.id(companyId)
        out.key("createdAt")
        out.date(createdAt)
        out.key("description")
        out.string(description)
        out.key("id")
        out.id(id)
        out.key("location")
        out.beginObject()
        if let address = location.address {
            out.key("address")
            out.string(address)
        }
        out.key("city")
        out.string(location.city)
        if let country = location.country {
            out.key("country")
            out.string(country)
        }
        out.key("postalCode")
        out.string(location.postalCode)
        out.key("state")
        out.string(location.state)
        out.endObject()
        out.key("publishedAt")
        out.date(publishedAt)
        out.key("sealed")
        out.bool(sealed)
        out.key("status")
        out.string(status.rawValue)
        out.key("title")
        out.string(title)
        out.key("trades")
        out.strings(trades)
        out.key("updatedAt")
        out.date(updatedAt)
        out.key("visibility")
        out.string(visibility.rawValue)
        out.endObject()
    }
}

import BidForgeCore
import Vapor

struct BidInput: Decodable, Sendable {
    var amountCents: Int64
    var currency: String?
    var notes: String?
    var lineItems: [LineItem]?
    var exclusions: [String]?
    var acknowledgedAddendum: Int?
    var validUntil: Date?
}

struct BidPatch: Decodable, Sendable {
    var amountCents: Int64?
    var currency: String?
    var notes: String?
    var lineItems: [LineItem]?
    var exclusions: [String]?
    var acknowledgedAddendum: Int?
    var validUntil: Date?
}

enum BidRules {
    static let maxNotes = 10_000
    static let maxExclusions = 100
    static let maxExclusionLength = 500

    /// Checks a bid as it would be stored, against the project it is for.
    static func validate(_ bid: BidModel, lineItems: [LineItem], exclusions: [String], project: ProjectModel, now: Date)
        throws
    {
        var errors = ValidationErrors()
        if bid.amountCents <= 0 || bid.amountCents > Money.maxCents {
            errors.add("amountCents", "must be between 1 and \(Money.maxCents)")
        }
        if !Money.isValidCurrency(bid.currency) {
            errors.add("currency", "must be a three-letter currency code such as USD")
        }
        errors.text("notes", bid.notes, required: false, max: maxNotes)
        if exclusions.count > maxExclusions { errors.add("exclusions", "must have at most \(maxExclusions) entries") }
        for (i, text) in exclusions.enumerated() {
            errors.text("exclusions[\(i)]", text, required: true, max: maxExclusionLength)
        }
        if bid.acknowledgedAddendum < 0 || bid.acknowledgedAddendum > project.addendumCount {
            errors.add("acknowledgedAddendum", "must be between 0 and the \(project.addendumCount) addenda issued")
        }
        if let validUntil = bid.validUntil, validUntil <= now { errors.add("validUntil", "must be in the future") }
        if errors.isEmpty {
            errors.merge(LineItemRules.validate(lineItems, amountCents: bid.amountCents, validTrades: Trades.codes))
        }
        try errors.throwIfAny()
    }
}

struct BidDTO: Encodable, Sendable {
    let id: UUID
    let projectId: UUID
    let companyId: UUID
    var companyName: String?
    let status: BidStatus
    @NullEncoded var amountCents: Int64?
    let currency: String
    @NullEncoded var notes: String?
    @NullEncoded var lineItems: [LineItem]?
    let exclusions: [String]
    let acknowledgedAddendum: Int
    /// The bid acknowledged fewer addenda than the project has issued: it may not price the latest documents.
    let staleAddendum: Bool
    @NullEncoded var validUntil: Date?
    let revision: Int
    /// On submit and revise responses only: what was accepted but deserves a second look.
    var warnings: [BidWarning]?
    /// True when the project is sealed and its due time has not passed: price fields are withheld.
    let sealed: Bool
    let createdAt: Date
    let updatedAt: Date
    var project: ProjectSummary?

    struct ProjectSummary: Encodable, Sendable {
        let id: UUID
        let title: String
        let status: ProjectStatus
        let bidDueAt: Date
    }

    init(
        _ bid: BidModel, addendumCount: Int, withWarnings: Bool = false, hidePrice: Bool = false,
        companyName: String? = nil,
        project: ProjectModel? = nil
    ) throws {
        id = try bid.requireID()
        projectId = bid.projectId
        companyId = bid.companyId
        self.companyName = companyName
        status = bid.status
        amountCents = hidePrice ? nil : bid.amountCents
        currency = bid.currency
        notes = hidePrice ? nil : bid.notes
        lineItems = try hidePrice ? nil : bid.lineItems
        exclusions = try bid.exclusions
        acknowledgedAddendum = bid.acknowledgedAddendum
        staleAddendum = bid.acknowledgedAddendum < addendumCount
        validUntil = bid.validUntil
        revision = bid.revision
        if withWarnings {
            warnings =
                staleAddendum ? [.staleAddendum(acknowledged: bid.acknowledgedAddendum, issued: addendumCount)] : []
        }
        sealed = hidePrice
        createdAt = bid.createdAt
        updatedAt = bid.updatedAt
        self.project = try project.map {
            ProjectSummary(id: try $0.requireID(), title: $0.title, status: $0.status, bidDueAt: $0.bidDueAt)
        }
    }
}

struct BidWarning: Encodable, Sendable, Equatable {
    let code: String
    let message: String

    static func staleAddendum(acknowledged: Int, issued: Int) -> BidWarning {
        BidWarning(
            code: "STALE_ADDENDUM",
            message: "This bid acknowledges addendum \(acknowledged) but \(issued) have been issued; "
                + "review the latest and revise with acknowledgedAddendum \(issued).")
    }
}

struct BidRevisionDTO: Encodable, Sendable {
    let id: UUID
    let bidId: UUID
    let revision: Int
    @NullEncoded var amountCents: Int64?
    let currency: String
    @NullEncoded var notes: String?
    @NullEncoded var lineItems: [LineItem]?
    let exclusions: [String]
    let acknowledgedAddendum: Int
    @NullEncoded var validUntil: Date?
    let createdAt: Date

    init(_ r: BidRevisionModel, hidePrice: Bool) throws {
        id = try r.requireID()
        bidId = r.bidId
        revision = r.revision
        amountCents = hidePrice ? nil : r.amountCents
        currency = r.currency
        notes = hidePrice ? nil : r.notes
        lineItems = try hidePrice ? nil : JSONColumn.decode([LineItem].self, r.lineItemsJSON)
        exclusions = try JSONColumn.decode([String].self, r.exclusionsJSON)
        acknowledgedAddendum = r.acknowledgedAddendum
        validUntil = r.validUntil
        createdAt = r.createdAt
    }
}

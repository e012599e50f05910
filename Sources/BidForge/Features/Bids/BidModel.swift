import BidForgeCore
import Fluent
import Foundation

final class BidModel: Model, @unchecked Sendable {
    static let schema = "bids"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "submitted_by") var submittedBy: UUID
    @Enum(key: "status") var status: BidStatus
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "notes") var notes: String
    /// JSON array of `LineItem`.
    @Field(key: "line_items") var lineItemsJSON: String
    /// JSON array of strings.
    @Field(key: "exclusions") var exclusionsJSON: String
    @Field(key: "acknowledged_addendum") var acknowledgedAddendum: Int
    @OptionalField(key: "valid_until") var validUntil: Date?
    @Field(key: "revision") var revision: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var lineItems: [LineItem] { get throws { try JSONColumn.decode([LineItem].self, lineItemsJSON) } }
    var exclusions: [String] { get throws { try JSONColumn.decode([String].self, exclusionsJSON) } }
}

extension BidModel: InsertableRow {
    var row: [(column: String, value: any Encodable & Sendable)] {
        get throws {
            [
                ("id", try requireID()), ("project_id", projectId), ("company_id", companyId),
                ("submitted_by", submittedBy), ("status", status.rawValue), ("amount_cents", amountCents),
                ("currency", currency), ("notes", notes), ("line_items", lineItemsJSON), ("exclusions", exclusionsJSON),
                ("acknowledged_addendum", acknowledgedAddendum), ("valid_until", validUntil), ("revision", revision),
                ("created_at", createdAt), ("updated_at", updatedAt)
            ]
        }
    }
}

/// One stored version of a bid; revision 1 is the original submission.
final class BidRevisionModel: Model, @unchecked Sendable {
    static let schema = "bid_revisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "bid_id") var bidId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "revision") var revision: Int
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "currency") var currency: String
    @Field(key: "notes") var notes: String
    @Field(key: "line_items") var lineItemsJSON: String
    @Field(key: "exclusions") var exclusionsJSON: String
    @Field(key: "acknowledged_addendum") var acknowledgedAddendum: Int
    @OptionalField(key: "valid_until") var validUntil: Date?
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(snapshotOf bid: BidModel, by userId: UUID, now: Date) throws {
        self.id = UUID()
        self.bidId = (try bid.requireID())
        self.companyId = bid.companyId
        self.revision = bid.revision
        self.amountCents = bid.amountCents
        self.currency = bid.currency
        self.notes = bid.notes
        self.lineItemsJSON = bid.lineItemsJSON
        self.exclusionsJSON = bid.exclusionsJSON
        self.acknowledgedAddendum = bid.acknowledgedAddendum
        self.validUntil = bid.validUntil
        self.createdBy = userId
        self.createdAt = now
    }
}

extension BidRevisionModel: InsertableRow {
    var row: [(column: String, value: any Encodable & Sendable)] {
        get throws {
            [
                ("id", try requireID()), ("bid_id", bidId), ("company_id", companyId), ("revision", revision),
                ("amount_cents", amountCents), ("currency", currency), ("notes", notes), ("line_items", lineItemsJSON),
                ("exclusions", exclusionsJSON), ("acknowledged_addendum", acknowledgedAddendum),
                ("valid_until", validUntil), ("created_by", createdBy), ("created_at", createdAt)
            ]
        }
    }
}

extension BidModel: ReadableRow {
    var storedProperties: [any AnyDatabaseProperty] {
        [
            $id, $projectId, $companyId, $submittedBy, $status, $amountCents, $currency, $notes, $lineItemsJSON,
            $exclusionsJSON, $acknowledgedAddendum, $validUntil, $revision, $createdAt, $updatedAt
        ]
    }
}

import BidForgeCore
import Fluent
import Foundation

final class ProjectModel: Model, @unchecked Sendable {
    static let schema = "projects"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "created_by") var createdBy: UUID
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    @Enum(key: "status") var status: ProjectStatus
    @Enum(key: "visibility") var visibility: ProjectVisibility
    @Field(key: "sealed") var sealed: Bool
    @Field(key: "trades") var tradesText: String
    @OptionalField(key: "address") var address: String?
    @Field(key: "city") var city: String
    @Field(key: "state") var state: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "country") var country: String
    @OptionalField(key: "budget_min_cents") var budgetMinCents: Int64?
    @OptionalField(key: "budget_max_cents") var budgetMaxCents: Int64?
    @Field(key: "bid_due_at") var bidDueAt: Date
    @OptionalField(key: "published_at") var publishedAt: Date?
    @OptionalField(key: "awarded_at") var awardedAt: Date?
    @OptionalField(key: "awarded_bid_id") var awardedBidId: UUID?
    @Field(key: "addendum_count") var addendumCount: Int
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var trades: [String] {
        get { ListColumn.split(tradesText) }
        set { tradesText = ListColumn.join(newValue) }
    }
}

extension ProjectModel: ReadableRow {
    var storedProperties: [any AnyDatabaseProperty] {
        [
            $id, $companyId, $createdBy, $title, $description, $status, $visibility, $sealed, $tradesText, $address,
            $city, $state, $postalCode, $country, $budgetMinCents, $budgetMaxCents, $bidDueAt, $publishedAt,
            $awardedAt, $awardedBidId, $addendumCount, $createdAt, $updatedAt
        ]
    }
}

import BidForgeCore
import Fluent
import Foundation

final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "type") var type: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "data") var dataJSON: String
    @OptionalField(key: "read_at") var readAt: Date?
    @Field(key: "created_at") var createdAt: Date
    /// The outbox event that created it.
    @OptionalField(key: "event_id") var eventId: Int64?

    init() {}
}

import BidForgeCore
import Fluent
import Foundation

/// One notification for a company: every user of the company sees the same row, and each keeps their own read state
/// (`NotificationInbox`), so an event writes one row per company, not one per user.
final class NotificationModel: Model, @unchecked Sendable {
    static let schema = "company_notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "type") var type: String
    @Field(key: "title") var title: String
    @Field(key: "body") var body: String
    @Field(key: "data") var dataJSON: String
    @Field(key: "created_at") var createdAt: Date
    /// The outbox event that created it.
    @OptionalField(key: "event_id") var eventId: Int64?

    init() {}
}

extension NotificationModel: InsertableRow {
    var row: [(column: String, value: any Encodable & Sendable)] {
        get throws {
            [
                ("id", try requireID()), ("company_id", companyId), ("type", type), ("title", title), ("body", body),
                ("data", dataJSON), ("created_at", createdAt), ("event_id", eventId)
            ]
        }
    }
}

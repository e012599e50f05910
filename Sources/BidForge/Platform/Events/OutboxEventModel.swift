import Fluent
import Foundation

/// One domain event waiting for (or done with) dispatch. `id` orders events and is the id clients see.
final class OutboxEventModel: Model, @unchecked Sendable {
    static let schema = "outbox_events"

    @ID(custom: "id", generatedBy: .database) var id: Int64?
    @Field(key: "type") var type: String
    /// The company whose action raised it (for sharding and audits), when there is one.
    @OptionalField(key: "company_id") var companyId: UUID?
    @Field(key: "payload") var payload: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "dispatched_at") var dispatchedAt: Date?
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "last_error") var lastError: String?

    init() {}
}

extension OutboxEventModel: InsertableRow {
    /// `id` comes from the database (its order is the dispatch order).
    var row: [(column: String, value: any Encodable & Sendable)] {
        [
            ("type", type), ("company_id", companyId), ("payload", payload), ("created_at", createdAt),
            ("dispatched_at", dispatchedAt), ("attempts", attempts), ("last_error", lastError)
        ]
    }
}

extension OutboxEventModel: ReadableRow {
    var storedProperties: [any AnyDatabaseProperty] {
        [$id, $type, $companyId, $payload, $createdAt, $dispatchedAt, $attempts, $lastError]
    }
}

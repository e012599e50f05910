import Fluent
import Foundation

/// The stored outcome of a creating POST, replayed for a retry with the same `Idempotency-Key`.
final class IdempotencyKeyModel: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "key") var key: String
    @Field(key: "request_hash") var requestHash: String
    @OptionalField(key: "status_code") var statusCode: Int?
    @OptionalField(key: "response_body") var responseBody: Data?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

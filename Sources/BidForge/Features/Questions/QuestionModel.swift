import BidForgeCore
import Fluent
import Foundation

/// A question (RFI) from a bidder; `company_id` is the asking company.
final class QuestionModel: Model, @unchecked Sendable {
    static let schema = "questions"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "asked_by") var askedBy: UUID
    @Field(key: "body") var body: String
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "answered_by") var answeredBy: UUID?
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

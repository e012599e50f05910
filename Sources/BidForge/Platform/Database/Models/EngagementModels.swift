import Fluent
import Foundation
import BidForgeCore

enum InvitationStatus: String, Codable, Sendable, CaseIterable {
    case pending = "PENDING"
    case viewed = "VIEWED"
    case willBid = "WILL_BID"
    case declined = "DECLINED"
    case bidSubmitted = "BID_SUBMITTED"
}

/// An invitation for a company to bid on a project. `company_id` is the invited company.
final class InvitationModel: Model, @unchecked Sendable {
    static let schema = "invitations"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectId: UUID
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "owner_company_id") var ownerCompanyId: UUID
    @Enum(key: "status") var status: InvitationStatus
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "responded_at") var respondedAt: Date?

    init() {}

    init(projectId: UUID, companyId: UUID, ownerCompanyId: UUID, now: Date) {
        self.id = UUID()
        self.projectId = projectId
        self.companyId = companyId
        self.ownerCompanyId = ownerCompanyId
        self.status = .pending
        self.createdAt = now
    }
}

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

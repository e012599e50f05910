import BidForgeCore
import Fluent
import Foundation

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

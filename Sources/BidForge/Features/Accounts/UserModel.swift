import BidForgeCore
import Fluent
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "email") var email: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "name") var name: String
    @Enum(key: "role") var role: UserRole
    @Enum(key: "company_role") var companyRole: CompanyRole
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(
        id: UUID = UUID(), companyId: UUID, email: String, passwordHash: String, name: String,
        role: UserRole, companyRole: CompanyRole, now: Date
    ) {
        self.id = id
        self.companyId = companyId
        self.email = email
        self.passwordHash = passwordHash
        self.name = name
        self.role = role
        self.companyRole = companyRole
        self.createdAt = now
        self.updatedAt = now
    }
}

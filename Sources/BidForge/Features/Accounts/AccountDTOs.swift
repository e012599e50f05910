import BidForgeCore
import Vapor

struct UserDTO: Encodable, Sendable {
    let id: UUID
    let email: String
    let name: String
    let role: UserRole
    let companyId: UUID
    let companyRole: CompanyRole
    let createdAt: Date

    init(_ user: UserModel) throws {
        id = (try user.requireID())
        email = user.email
        name = user.name
        role = user.role
        companyId = user.companyId
        companyRole = user.companyRole
        createdAt = user.createdAt
    }
}

struct RegisterInput: Decodable, Sendable {
    var email: String
    var password: String
    var name: String
    var role: UserRole?
    var company: CompanyInput?
    var inviteToken: String?

    func validate() throws {
        var errors = ValidationErrors()
        if !EmailAddress.isValid(email) { errors.add("email", "must be an email address") }
        Passwords.validate(password, into: &errors)
        errors.text("name", name, required: true, max: 200)
        if let role, !UserRole.selfAssignable.contains(role) {
            errors.add("role", "must be OWNER, CONTRACTOR or SUBCONTRACTOR")
        }
        switch (company, inviteToken) {
        case (nil, nil):
            errors.add("company", "is required unless an inviteToken is given")
        case (.some, .some):
            errors.add("inviteToken", "cannot be combined with company")
        case (.some(let company), nil):
            if role == nil { errors.add("role", "is required") }
            company.validate(into: &errors, prefix: "company.")
        case (nil, .some):
            break
        }
        try errors.throwIfAny()
    }
}

struct AuthDTO: Encodable, Sendable {
    let user: UserDTO
    let company: CompanyDTO?
    let accessToken: String
    let refreshToken: String
    let expiresIn: Int
}

struct LoginInput: Decodable, Sendable {
    var email: String
    var password: String
}

struct RefreshInput: Decodable, Sendable {
    var refreshToken: String
}

struct MeDTO: Encodable, Sendable {
    let user: UserDTO
    let company: CompanyDTO
}

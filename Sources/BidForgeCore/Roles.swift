/// What a person does on the platform. `ADMIN` is the platform operator and is never self-assigned.
public enum UserRole: String, Codable, Sendable, CaseIterable {
    case owner = "OWNER"
    case contractor = "CONTRACTOR"
    case subcontractor = "SUBCONTRACTOR"
    case admin = "ADMIN"

    /// Roles a person may choose when registering.
    public static let selfAssignable: [UserRole] = [.owner, .contractor, .subcontractor]

    public var mayPostProjects: Bool { self == .owner || self == .contractor }
    public var mayBid: Bool { self == .contractor || self == .subcontractor }
}

/// A user's standing inside their own company.
public enum CompanyRole: String, Codable, Sendable, CaseIterable {
    case admin = "ADMIN"
    case member = "MEMBER"
}

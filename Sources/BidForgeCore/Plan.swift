/// A company's subscription and the limits that come with it.
public enum Plan: String, Codable, Sendable, CaseIterable {
    case free = "FREE"
    case pro = "PRO"
    case enterprise = "ENTERPRISE"

    /// Projects that may be OPEN at the same time; `nil` is unlimited.
    public var maxOpenProjects: Int? {
        switch self {
        case .free: 3
        case .pro: 50
        case .enterprise: nil
        }
    }

    /// Bids a company may submit in one calendar month (UTC); `nil` is unlimited.
    public var maxBidsPerMonth: Int? {
        switch self {
        case .free: 10
        case .pro, .enterprise: nil
        }
    }

    /// Largest single document, in bytes.
    public var maxDocumentBytes: Int64 {
        switch self {
        case .free: 25 * 1_000_000
        case .pro: 100 * 1_000_000
        case .enterprise: 1_000_000_000
        }
    }
}

/// A plan limit that an action would exceed.
public struct PlanLimitExceeded: Error, Equatable, Sendable {
    public let plan: Plan
    public let limit: Int
    public let used: Int
    public let resource: String
}

public enum PlanLimits {
    /// Throws when one more of `resource` would go past `limit` given `used` so far.
    public static func checkOneMore(plan: Plan, limit: Int?, used: Int, resource: String) throws(PlanLimitExceeded) {
        guard let limit else { return }
        if used >= limit {
            throw PlanLimitExceeded(plan: plan, limit: limit, used: used, resource: resource)
        }
    }
}

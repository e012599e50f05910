import Foundation

/// The scopes cached values depend on, in one place so readers and writers name them alike.
enum CacheScope {
    /// A project's own data and its live bid count (detail, listing cards).
    static func project(_ id: UUID) -> String { "project:" + id.uuidString.lowercased() }
    /// Which projects a listing holds and in what order (publication, edits, status changes).
    static let listings = "listings"
    /// What a company's signed-in listing adds to the public one: the projects it is invited to.
    static func invitations(_ companyId: UUID) -> String { "invites:" + companyId.uuidString.lowercased() }
    static func company(_ id: UUID) -> String { "company:" + id.uuidString.lowercased() }
    static func analytics(_ companyId: UUID) -> String { "analytics:" + companyId.uuidString.lowercased() }
}

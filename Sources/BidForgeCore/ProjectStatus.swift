/// The life of a project: `DRAFT → OPEN → CLOSED → AWARDED`, and `DRAFT | OPEN | CLOSED → CANCELLED`.
public enum ProjectStatus: String, Codable, Sendable, CaseIterable {
    case draft = "DRAFT"
    case open = "OPEN"
    case closed = "CLOSED"
    case awarded = "AWARDED"
    case cancelled = "CANCELLED"

    public func canMove(to next: ProjectStatus) -> Bool {
        switch (self, next) {
        case (.draft, .open), (.open, .closed), (.closed, .awarded):
            return true
        case (.draft, .cancelled), (.open, .cancelled), (.closed, .cancelled):
            return true
        default:
            return false
        }
    }

    /// Owners may still edit the project text while it is a draft or open for bids.
    public var isEditable: Bool { self == .draft || self == .open }

    /// Owners may add documents until the project is decided: an upload to an OPEN project is an addendum; once
    /// AWARDED or CANCELLED the document set is the record and stays as it is.
    public var acceptsDocuments: Bool { self == .draft || self == .open || self == .closed }

    /// A document may be deleted only while nobody could have priced it.
    public var documentsMayBeDeleted: Bool { self == .draft }

    /// A document may be replaced while DRAFT (the old one goes) or OPEN (the replacement is an addendum and the old
    /// one stays, marked superseded).
    public var documentsMayBeReplaced: Bool { self == .draft || self == .open }
}

public enum ProjectVisibility: String, Codable, Sendable, CaseIterable {
    case `public` = "PUBLIC"
    case inviteOnly = "INVITE_ONLY"
}

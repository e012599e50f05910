/// A bid is `SUBMITTED` while live; it ends `WITHDRAWN` (by its bidder) or `ACCEPTED` / `REJECTED` (by the award).
public enum BidStatus: String, Codable, Sendable, CaseIterable {
    case submitted = "SUBMITTED"
    case withdrawn = "WITHDRAWN"
    case accepted = "ACCEPTED"
    case rejected = "REJECTED"

    public func canMove(to next: BidStatus) -> Bool {
        self == .submitted && next != .submitted
    }

    /// Only a submitted bid may be revised.
    public var isRevisable: Bool { self == .submitted }

    /// Bids that count for the project: everything but withdrawn ones.
    public var isLive: Bool { self != .withdrawn }
}

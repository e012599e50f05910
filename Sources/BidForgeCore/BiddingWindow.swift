import Foundation

/// When a project takes bids, and how its due time may move. The due time is what bidders price against and what
/// hides sealed prices, so it is the one clock of bidding: nothing reopens it once it has passed.
public enum BiddingWindow {
    /// Bids are taken while the project is OPEN and its due time has not come, whatever else its status says.
    public static func isOpen(status: ProjectStatus, dueAt: Date, now: Date) -> Bool {
        status == .open && now < dueAt
    }

    public enum DueTimeRefusal: Equatable, Sendable {
        /// A new due time must lie ahead.
        case notInFuture
        /// The due time has passed (bids and sealed prices are settled): it cannot move at all.
        case passed
        /// Bids are in: the due time may only move later, never cut bidders short.
        case earlierWithBids
    }

    /// Whether an OPEN (or DRAFT) project's due time may move from `current` to `proposed`; nil when it may.
    public static func refusal(
        moving current: Date, to proposed: Date, status: ProjectStatus, hasBids: Bool,
        now: Date
    ) -> DueTimeRefusal? {
        guard proposed != current else { return nil }
        if status == .open && current <= now { return .passed }
        if proposed <= now { return .notInFuture }
        if status == .open && hasBids && proposed < current { return .earlierWithBids }
        return nil
    }
}

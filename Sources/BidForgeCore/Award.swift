/// What each bidder learns when a project is awarded.
public enum AwardOutcome {
    public struct Bid: Sendable, Equatable {
        public var bidId: String
        public var amountCents: Int64
        public init(bidId: String, amountCents: Int64) {
            self.bidId = bidId
            self.amountCents = amountCents
        }
    }

    public struct Result: Sendable, Equatable {
        public var bidId: String
        public var won: Bool
        public var rank: Int
        public var bidCount: Int
        /// How far above the winning amount this bid was, in percent (negative if it was cheaper than the winner).
        public var aboveWinningPct: Double
    }

    /// Ranks every live bid by amount (cheapest first, ties share a rank) and measures each against the winner.
    public static func compute(liveBids: [Bid], winningBidId: String) -> [Result]? {
        guard let winner = liveBids.first(where: { $0.bidId == winningBidId }) else { return nil }
        let ordered = liveBids.sorted { $0.amountCents < $1.amountCents }
        let ranks = Leveling.competitionRanks(ordered.map(\.amountCents))
        return ordered.enumerated().map { index, bid in
            Result(
                bidId: bid.bidId,
                won: bid.bidId == winningBidId,
                rank: ranks[index],
                bidCount: ordered.count,
                aboveWinningPct: Money.percent(bid.amountCents - winner.amountCents, of: winner.amountCents)
            )
        }
    }
}

/// Side-by-side comparison of the live bids on one project ("bid leveling").
public enum Leveling {
    public struct Input: Sendable {
        public var bidId: String
        public var companyId: String
        public var companyName: String
        public var amountCents: Int64
        public var lineItems: [LineItem]
        public var exclusions: [String]
        public var acknowledgedAddendum: Int

        public init(
            bidId: String, companyId: String, companyName: String, amountCents: Int64,
            lineItems: [LineItem], exclusions: [String], acknowledgedAddendum: Int
        ) {
            self.bidId = bidId
            self.companyId = companyId
            self.companyName = companyName
            self.amountCents = amountCents
            self.lineItems = lineItems
            self.exclusions = exclusions
            self.acknowledgedAddendum = acknowledgedAddendum
        }
    }

    public struct Row: Codable, Equatable, Sendable {
        public var bidId: String
        public var companyId: String
        public var companyName: String
        public var rank: Int
        public var amountCents: Int64
        public var deltaFromLowestPct: Double
        public var tradeSubtotals: [String: Int64]
        public var missingTrades: [String]
        public var exclusions: [String]
        public var staleAddendum: Bool
    }

    public struct Stats: Codable, Equatable, Sendable {
        public var count: Int
        public var lowest: Int64?
        public var highest: Int64?
        public var median: Int64?
        public var mean: Int64?
    }

    public struct Sheet: Codable, Equatable, Sendable {
        public var bids: [Row]
        public var stats: Stats
    }

    /// Rows cheapest first. Input order breaks ties in the listing (pass bids oldest first); equal amounts share a rank.
    public static func level(_ bids: [Input], projectTrades: [String], addendumCount: Int) -> Sheet {
        let ordered = bids.enumerated().sorted {
            ($0.element.amountCents, $0.offset) < ($1.element.amountCents, $1.offset)
        }.map(\.element)
        let ranks = competitionRanks(ordered.map(\.amountCents))
        let lowest = ordered.first?.amountCents ?? 0
        let rows = ordered.enumerated().map { index, bid in
            let subtotals = LineItemRules.subtotalsByTrade(bid.lineItems)
            return Row(
                bidId: bid.bidId,
                companyId: bid.companyId,
                companyName: bid.companyName,
                rank: ranks[index],
                amountCents: bid.amountCents,
                deltaFromLowestPct: Money.percent(bid.amountCents - lowest, of: lowest),
                tradeSubtotals: subtotals,
                missingTrades: projectTrades.filter { subtotals[$0] == nil },
                exclusions: bid.exclusions,
                staleAddendum: bid.acknowledgedAddendum < addendumCount
            )
        }
        return Sheet(bids: rows, stats: stats(ordered.map(\.amountCents)))
    }

    /// "1224" ranking over values sorted ascending: equal values share the better rank.
    public static func competitionRanks(_ sortedAmounts: [Int64]) -> [Int] {
        var ranks: [Int] = []
        ranks.reserveCapacity(sortedAmounts.count)
        for (index, amount) in sortedAmounts.enumerated() {
            if index > 0, sortedAmounts[index - 1] == amount {
                ranks.append(ranks[index - 1])
            } else {
                ranks.append(index + 1)
            }
        }
        return ranks
    }

    public static func stats(_ amounts: [Int64]) -> Stats {
        guard !amounts.isEmpty else { return Stats(count: 0, lowest: nil, highest: nil, median: nil, mean: nil) }
        let sorted = amounts.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : roundedHalf(sorted[n / 2 - 1], sorted[n / 2])
        // Summed in 128 bits: any number of bids of any stored amount fits, and the mean lies within them.
        let sum = sorted.reduce(Int128(0)) { $0 + Int128($1) }
        let (q, r) = sum.quotientAndRemainder(dividingBy: Int128(n))
        let mean = Int64(r * 2 >= Int128(n) ? q + 1 : q)
        return Stats(count: n, lowest: sorted.first, highest: sorted.last, median: median, mean: mean)
    }

    /// The midpoint of two non-negative amounts, rounded half up, without forming `a + b`.
    static func roundedHalf(_ a: Int64, _ b: Int64) -> Int64 { a / 2 + b / 2 + (a % 2 + b % 2 + 1) / 2 }

    /// The CSV form: a header row, then one row per bid. Trade subtotals get a column per trade seen.
    public static func csv(_ sheet: Sheet) -> String {
        let trades = Set(sheet.bids.flatMap { $0.tradeSubtotals.keys }).sorted()
        var header = ["rank", "bidId", "companyId", "companyName", "amountCents", "deltaFromLowestPct"]
        header += trades.map { "trade_\($0)_cents" }
        header += ["missingTrades", "exclusions", "staleAddendum"]
        var lines = [header.map(csvField).joined(separator: ",")]
        for row in sheet.bids {
            var fields = [
                String(row.rank), row.bidId, row.companyId, row.companyName, String(row.amountCents),
                formatPercent(row.deltaFromLowestPct)
            ]
            fields += trades.map { row.tradeSubtotals[$0].map(String.init) ?? "" }
            fields += [
                row.missingTrades.joined(separator: " "), row.exclusions.joined(separator: "; "),
                row.staleAddendum ? "true" : "false"
            ]
            lines.append(fields.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func formatPercent(_ value: Double) -> String {
        let cents = Int64((value * 100).rounded())
        let sign = cents < 0 ? "-" : ""
        let magnitude = abs(cents)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// RFC 4180 quoting, and a leading quote for cells a spreadsheet would run as a formula.
    static func csvField(_ raw: String) -> String {
        var value = raw
        if let first = value.first, "=+-@\t\r".contains(first), Double(value) == nil {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }
}

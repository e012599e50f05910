import Foundation
import Testing

@testable import BidForgeCore

@Suite struct LevelingTests {
    func bid(_ id: String, _ amount: Int64, items: [LineItem] = [], ack: Int = 0, exclusions: [String] = [])
        -> Leveling.Input
    {
        Leveling.Input(
            bidId: id, companyId: "c-\(id)", companyName: "Company \(id)", amountCents: amount,
            lineItems: items, exclusions: exclusions, acknowledgedAddendum: ack)
    }

    @Test func ranksDeltasAndStats() {
        let concrete = LineItem(
            description: "Slab", trade: "03", quantity: 1, unit: "LS", unitPriceCents: 90_000, totalCents: 90_000)
        let sheet = Leveling.level(
            [
                bid("a", 120_000),
                bid(
                    "b", 100_000,
                    items: [
                        concrete,
                        .init(
                            description: "Paint", trade: "09", quantity: 1, unit: "LS", unitPriceCents: 10_000,
                            totalCents: 10_000)
                    ], ack: 2),
                bid("c", 120_000, ack: 1), bid("d", 150_000)
            ], projectTrades: ["03", "09", "26"], addendumCount: 2)
        #expect(sheet.bids.map(\.bidId) == ["b", "a", "c", "d"])
        #expect(sheet.bids.map(\.rank) == [1, 2, 2, 4])
        #expect(sheet.bids.map(\.deltaFromLowestPct) == [0, 20, 20, 50])
        #expect(sheet.bids[0].tradeSubtotals == ["03": 90_000, "09": 10_000])
        #expect(sheet.bids[0].missingTrades == ["26"])
        #expect(sheet.bids[1].missingTrades == ["03", "09", "26"])
        #expect(sheet.bids.map(\.staleAddendum) == [false, true, true, true])
        #expect(sheet.stats == .init(count: 4, lowest: 100_000, highest: 150_000, median: 120_000, mean: 122_500))
    }

    @Test func medianOfEvenCountRoundsHalfUp() {
        #expect(Leveling.stats([1, 2]).median == 2)
        #expect(Leveling.stats([1, 2, 4]).median == 2)
        #expect(Leveling.stats([1, 2, 2]).mean == 2)
        #expect(Leveling.stats([]).lowest == nil)
    }

    @Test func csvHasHeaderAndOneRowPerBidAndDefusesFormulas() {
        let sheet = Leveling.level(
            [bid("x", 100, exclusions: ["=HYPERLINK(\"evil\")", "scaffolding, hoisting"])],
            projectTrades: [], addendumCount: 0)
        let lines = Leveling.csv(sheet).split(separator: "\r\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("rank,bidId,companyId,companyName,amountCents,deltaFromLowestPct"))
        #expect(lines[1].contains("\"'=HYPERLINK(\"\"evil\"\"); scaffolding, hoisting\""))
        #expect(lines[1].hasPrefix("1,x,c-x,Company x,100,0.00,"))
    }

    @Test func awardOutcomesForWinnerAndLosers() throws {
        let results = try #require(
            AwardOutcome.compute(
                liveBids: [
                    .init(bidId: "a", amountCents: 100_000), .init(bidId: "b", amountCents: 110_000),
                    .init(bidId: "c", amountCents: 90_000)
                ], winningBidId: "a"))
        let byId = Dictionary(uniqueKeysWithValues: results.map { ($0.bidId, $0) })
        #expect(byId["a"]?.won == true && byId["a"]?.rank == 2)
        #expect(byId["b"]?.rank == 3 && byId["b"]?.aboveWinningPct == 10)
        #expect(byId["c"]?.rank == 1 && byId["c"]?.aboveWinningPct == -10)
        #expect(results.allSatisfy { $0.bidCount == 3 })
        #expect(AwardOutcome.compute(liveBids: [], winningBidId: "a") == nil)
    }

    @Test func monthStartIsUTC() {
        let date = Date(timeIntervalSince1970: 1_795_723_508)  // 2026-11-26T20:05:08Z
        #expect(CalendarMonth.start(of: date) == Date(timeIntervalSince1970: 1_793_491_200))  // 2026-11-01T00:00:00Z
    }
}

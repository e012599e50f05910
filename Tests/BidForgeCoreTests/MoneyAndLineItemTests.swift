import Testing

@testable import BidForgeCore

@Suite struct LineItemTests {
    let trades = Trades.codes

    func item(_ q: Double, _ unit: Int64, _ total: Int64, trade: String = "03") -> LineItem {
        LineItem(description: "Slab", trade: trade, quantity: q, unit: "CY", unitPriceCents: unit, totalCents: total)
    }

    @Test func rowTotalsRoundHalfUpToTheCent() {
        #expect(LineItemRules.expectedTotal(quantity: 3, unitPriceCents: 1_000) == 3_000)
        #expect(LineItemRules.expectedTotal(quantity: 12.5, unitPriceCents: 333) == 4_163)  // 4162.5 → 4163
        #expect(LineItemRules.expectedTotal(quantity: 0.0001, unitPriceCents: 4_999) == 0)  // 0.4999 → 0
        #expect(LineItemRules.expectedTotal(quantity: 0.0001, unitPriceCents: 5_000) == 1)  // 0.5 → 1
        #expect(LineItemRules.expectedTotal(quantity: 1.00001, unitPriceCents: 100) == nil)  // five decimals
        #expect(LineItemRules.expectedTotal(quantity: -1, unitPriceCents: 100) == nil)
        #expect(LineItemRules.expectedTotal(quantity: 1_000_000_000, unitPriceCents: Int64.max / 2) == nil)  // overflow
    }

    @Test func itemsMustAddUpToTheAmount() {
        let items = [item(10, 15_000, 150_000), item(2.5, 4_000, 10_000, trade: "09")]
        #expect(LineItemRules.validate(items, amountCents: 160_000, validTrades: trades).isEmpty)
        let wrongSum = LineItemRules.validate(items, amountCents: 160_001, validTrades: trades)
        #expect(wrongSum.problems["amountCents"] != nil)
        let wrongRow = LineItemRules.validate([item(10, 15_000, 149_999)], amountCents: 149_999, validTrades: trades)
        #expect(wrongRow.problems["lineItems[0].totalCents"] != nil)
    }

    @Test func badRowsAreNamedByPath() {
        let errors = LineItemRules.validate(
            [item(1, -5, -5), item(1, 5, 5, trade: "99")], amountCents: 0, validTrades: trades)
        #expect(errors.problems["lineItems[0].unitPriceCents"] != nil)
        #expect(errors.problems["lineItems[1].trade"] != nil)
    }

    @Test func hugeTotalsDoNotOverflow() {
        let big = item(1, Money.maxCents, Money.maxCents)
        let errors = LineItemRules.validate(Array(repeating: big, count: 200), amountCents: 1, validTrades: trades)
        #expect(errors.problems["amountCents"] != nil)
    }

    @Test func subtotalsPerTrade() {
        let items = [item(1, 100, 100), item(2, 50, 100, trade: "09"), item(1, 7, 7)]
        #expect(LineItemRules.subtotalsByTrade(items) == ["03": 107, "09": 100])
    }

    @Test func percentages() {
        #expect(Money.percent(1_000, of: 10_000) == 10)
        #expect(Money.percent(1, of: 3) == 33.33)
        #expect(Money.percent(2, of: 3) == 66.67)
        #expect(Money.percent(5, of: 0) == 0)
        #expect(Money.isValidCurrency("USD") && !Money.isValidCurrency("usd") && !Money.isValidCurrency("USDT"))
    }
}

@Suite struct ValidationTests {
    @Test func textRules() {
        var e = ValidationErrors()
        e.text("title", "", required: true, max: 200)
        e.text("desc", String(repeating: "x", count: 201), required: false, max: 200)
        e.text("ok", "é漢字🏗️", required: true, max: 4)
        e.text("blank", "   ", required: true, max: 10)
        #expect(e.problems.keys.sorted() == ["blank", "desc", "title"])
    }

    @Test func emails() {
        #expect(EmailAddress.isValid("a.b@example.com"))
        #expect(!EmailAddress.isValid("a@b"))
        #expect(!EmailAddress.isValid("a b@example.com"))
        #expect(!EmailAddress.isValid("@example.com"))
        #expect(EmailAddress.normalized("  Foo@Example.COM ") == "foo@example.com")
    }

    @Test func tradesAndStates() {
        var e = ValidationErrors()
        Trades.validate("trades", ["03", "03", "77"], into: &e)
        USStates.validate("states", ["TX", "XX"], into: &e)
        #expect(e.problems["trades"] != nil)
        #expect(e.problems["trades[2]"] != nil)
        #expect(e.problems["states[1]"] != nil)
        #expect(Trades.name(of: "26") == "Electrical")
    }
}

/// Figures typed into forms, and sums of any size: nothing a client sends may trap.
@Suite struct CheckedArithmeticTests {
    @Test func dollarFiguresBecomeCentsOrNil() {
        #expect(Money.cents(fromDollars: "12,500") == 1_250_000)
        #expect(Money.cents(fromDollars: " $1250.5 ") == 125_050)
        #expect(Money.cents(fromDollars: "0.755") == 76)  // half up to the cent
        #expect(Money.cents(fromDollars: ".5") == 50)
        #expect(Money.cents(fromDollars: "1000000000000") == Money.maxCents)
        for bad in [
            "", "$", ".", "abc", "-5", "1e9", "1.2.3", "99999999999999999999999", "1000000000000.01", "12 500", "١٢"
        ] {
            #expect(Money.cents(fromDollars: bad) == nil, "\(bad)")
        }
    }

    @Test func sumsReportOverflowInsteadOfTrapping() {
        let huge = LineItem(
            description: "x", trade: "26", quantity: 1, unit: "EA", unitPriceCents: Int64.max / 2,
            totalCents: Int64.max / 2)
        #expect(LineItemRules.sum([huge, huge, huge]) == nil)
        #expect(LineItemRules.sum([huge]) == Int64.max / 2)
        #expect(
            LineItemRules.validate([huge, huge, huge], amountCents: 1, validTrades: Trades.codes).problems.isEmpty
                == false)
    }

    @Test func levelingStatisticsHoldForAnyNumberOfMaximalBids() {
        let stats = Leveling.stats(Array(repeating: Money.maxCents, count: 100_000))
        #expect(stats.mean == Money.maxCents && stats.median == Money.maxCents)
        #expect(Leveling.stats([Int64.max, Int64.max - 1]).median == Int64.max)
        #expect(Leveling.stats([1, 2]).median == 2 && Leveling.stats([1, 2]).mean == 2)
        #expect(Leveling.stats([2, 3, 3]).mean == 3)
    }
}

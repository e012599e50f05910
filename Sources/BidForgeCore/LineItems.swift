/// One priced row of a bid. Quantities may be fractional (12.5 CY of concrete) with at most four decimals;
/// the row total is `quantity × unitPriceCents`, rounded half away from zero to the cent.
public struct LineItem: Codable, Equatable, Sendable {
    public var description: String
    public var trade: String
    public var quantity: Double
    public var unit: String
    public var unitPriceCents: Int64
    public var totalCents: Int64

    public init(
        description: String, trade: String, quantity: Double, unit: String, unitPriceCents: Int64, totalCents: Int64
    ) {
        self.description = description
        self.trade = trade
        self.quantity = quantity
        self.unit = unit
        self.unitPriceCents = unitPriceCents
        self.totalCents = totalCents
    }
}

public enum LineItemRules {
    public static let maxItems = 500
    public static let maxQuantity: Double = 1_000_000_000
    public static let quantityScale: Int64 = 10_000

    /// The exact total of a row, or nil when the quantity has more than four decimals or the product overflows.
    public static func expectedTotal(quantity: Double, unitPriceCents: Int64) -> Int64? {
        guard quantity.isFinite, quantity >= 0, quantity <= maxQuantity else { return nil }
        let scaled = (quantity * Double(quantityScale)).rounded()
        guard abs(scaled - quantity * Double(quantityScale)) < 1e-6 else { return nil }
        let units = Int64(scaled)
        let (product, overflow) = units.multipliedReportingOverflow(by: unitPriceCents)
        guard !overflow else { return nil }
        let (whole, rest) = product.quotientAndRemainder(dividingBy: quantityScale)
        return rest * 2 >= quantityScale ? whole + 1 : whole
    }

    /// Checks every row and that the rows add up to `amountCents`. Field names are JSON paths (`lineItems[2].totalCents`).
    public static func validate(_ items: [LineItem], amountCents: Int64, validTrades: Set<String>) -> ValidationErrors {
        var errors = ValidationErrors()
        if items.count > maxItems {
            errors.add("lineItems", "must have at most \(maxItems) items")
            return errors
        }
        for (index, item) in items.enumerated() {
            let path = "lineItems[\(index)]"
            errors.text("\(path).description", item.description, required: true, max: 500)
            errors.text("\(path).unit", item.unit, required: true, max: 20)
            if !validTrades.contains(item.trade) { errors.add("\(path).trade", "is not a known trade code") }
            if item.unitPriceCents < 0 || item.unitPriceCents > Money.maxCents {
                errors.add("\(path).unitPriceCents", "must be between 0 and \(Money.maxCents)")
                continue
            }
            if item.totalCents < 0 || item.totalCents > Money.maxCents {
                errors.add("\(path).totalCents", "must be between 0 and \(Money.maxCents)")
                continue
            }
            guard item.quantity.isFinite, item.quantity >= 0, item.quantity <= maxQuantity else {
                errors.add("\(path).quantity", "must be between 0 and \(Int64(maxQuantity))")
                continue
            }
            guard let expected = expectedTotal(quantity: item.quantity, unitPriceCents: item.unitPriceCents) else {
                errors.add("\(path).quantity", "must have at most 4 decimals and quantity × unitPriceCents must fit")
                continue
            }
            if expected != item.totalCents {
                errors.add("\(path).totalCents", "must equal quantity × unitPriceCents (\(expected))")
            }
        }
        let sum = Self.sum(items)
        if errors.isEmpty, !items.isEmpty, sum != amountCents {
            errors.add("amountCents", "must equal the sum of lineItems totals (\(sum.map(String.init) ?? "overflow"))")
        }
        return errors
    }

    /// The rows' totals added up, or nil when the sum does not fit in `Int64` (a form can send any number of rows).
    public static func sum(_ items: [LineItem]) -> Int64? {
        var sum: Int64 = 0
        for item in items {
            let (next, overflow) = sum.addingReportingOverflow(item.totalCents)
            guard !overflow else { return nil }
            sum = next
        }
        return sum
    }

    /// Sum of row totals per trade code.
    public static func subtotalsByTrade(_ items: [LineItem]) -> [String: Int64] {
        // Validated rows (at most `maxItems`, each at most `Money.maxCents`) cannot overflow a subtotal.
        items.reduce(into: [:]) { $0[$1.trade, default: 0] += $1.totalCents }
    }
}

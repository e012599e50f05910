/// Money is integer cents. These bounds keep every sum and product inside `Int64`.
public enum Money {
    /// One trillion dollars: larger than any construction bid, small enough that sums of many never overflow.
    public static let maxCents: Int64 = 100_000_000_000_000

    /// ISO-4217 style: three upper-case letters.
    public static func isValidCurrency(_ code: String) -> Bool {
        code.count == 3 && code.unicodeScalars.allSatisfy { $0.value >= 65 && $0.value <= 90 }
    }

    /// `part` as a percentage of `whole`, rounded to two decimals. `whole` must be positive.
    public static func percent(_ part: Int64, of whole: Int64) -> Double {
        guard whole > 0 else { return 0 }
        let raw = Double(part) / Double(whole) * 100
        return (raw * 100).rounded() / 100
    }
}

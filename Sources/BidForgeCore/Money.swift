/// Money is integer cents. These bounds keep every sum and product inside `Int64`.
public enum Money {
    /// One trillion dollars: larger than any construction bid, small enough that sums of many never overflow.
    public static let maxCents: Int64 = 100_000_000_000_000

    /// ISO-4217 style: three upper-case letters.
    public static func isValidCurrency(_ code: String) -> Bool {
        code.count == 3 && code.unicodeScalars.allSatisfy { $0.value >= 65 && $0.value <= 90 }
    }

    /// A dollar figure as typed in a form ("12,500", "$1250.5", "0.755") in cents, rounded half up to the cent; nil
    /// unless it is a plain non-negative number no larger than `maxCents`. Reads digits itself, so no input can overflow.
    public static func cents(fromDollars text: String) -> Int64? {
        var digits = Substring(text.trimmingWhitespace())
        if digits.first == "$" { digits = digits.dropFirst() }
        let parts = digits.replacingOccurrences(of: ",", with: "").split(
            separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !(whole.isEmpty && (parts.count == 1 || parts[1].isEmpty)),
            whole.utf8.count <= 13, parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } })
        else { return nil }
        let fraction = parts.count == 2 ? Array(parts[1].utf8.prefix(3)) : []
        func digit(_ index: Int) -> Int64 { index < fraction.count ? Int64(fraction[index] - 48) : 0 }
        var cents = (Int64(whole) ?? 0) * 100 + digit(0) * 10 + digit(1)
        if digit(2) >= 5 { cents += 1 }
        return cents <= maxCents ? cents : nil
    }

    /// `part` as a percentage of `whole`, rounded to two decimals. `whole` must be positive.
    public static func percent(_ part: Int64, of whole: Int64) -> Double {
        guard whole > 0 else { return 0 }
        let raw = Double(part) / Double(whole) * 100
        return (raw * 100).rounded() / 100
    }
}

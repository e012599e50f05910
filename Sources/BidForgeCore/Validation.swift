/// Collects every problem with an input at once, keyed by the field's JSON path, so a client can show them all.
public struct ValidationErrors: Error, Equatable, Sendable {
    public private(set) var problems: [String: String] = [:]

    public init() {}

    public var isEmpty: Bool { problems.isEmpty }

    public mutating func add(_ field: String, _ problem: String) {
        if problems[field] == nil { problems[field] = problem }
    }

    public mutating func merge(_ other: ValidationErrors, prefix: String = "") {
        for (field, problem) in other.problems {
            add(prefix.isEmpty ? field : "\(prefix).\(field)", problem)
        }
    }

    public func throwIfAny() throws(ValidationErrors) {
        if !isEmpty { throw self }
    }

    // MARK: common rules

    public mutating func text(_ field: String, _ value: String?, required: Bool, min: Int = 1, max: Int) {
        guard let value else {
            if required { add(field, "is required") }
            return
        }
        if value.unicodeScalars.contains("\u{0}") {
            add(field, "must not contain NUL characters")
            return
        }
        let count = value.count
        let trimmedEmpty = value.allSatisfy(\.isWhitespace)
        if required && (count < min || trimmedEmpty) {
            add(field, min <= 1 ? "must not be empty" : "must be at least \(min) characters")
        } else if count > max {
            add(field, "must be at most \(max) characters")
        }
    }

    public mutating func range<T: Comparable>(_ field: String, _ value: T?, min: T? = nil, max: T? = nil) {
        guard let value else { return }
        if let min, value < min { add(field, "must be at least \(min)") }
        if let max, value > max { add(field, "must be at most \(max)") }
    }
}

public enum EmailAddress {
    /// A pragmatic check: one `@`, something before it, a dotted domain after it, no spaces, at most 254 characters.
    public static func isValid(_ email: String) -> Bool {
        guard email.count <= 254, !email.contains(where: \.isWhitespace) else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty }
    }

    public static func normalized(_ email: String) -> String {
        email.trimmingWhitespace().lowercased()
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

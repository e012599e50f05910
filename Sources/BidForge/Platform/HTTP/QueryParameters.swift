import BidForgeCore
import Foundation
import Vapor

/// A URL's query parsed once. Vapor's query container parses the whole query again for every value asked for, which
/// shows in the profile of the busiest endpoint (the project listing); this reads it in one pass.
struct QueryParameters: Sendable {
    private var values: [String: String] = [:]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            if values[name] == nil { values[name] = value }  // the first of a repeated name, as Vapor does
        }
    }

    subscript(_ name: String) -> String? { values[name] }

    /// A whole number, or nil when absent; a problem in `errors` when it is not one.
    func int(_ name: String, into errors: inout ValidationErrors) -> Int? { whole(name, into: &errors) }

    func int64(_ name: String, into errors: inout ValidationErrors) -> Int64? { whole(name, into: &errors) }

    private func whole<T: FixedWidthInteger>(_ name: String, into errors: inout ValidationErrors) -> T? {
        guard let raw = values[name] else { return nil }
        guard let value = T(raw) else {
            errors.add(name, "must be a whole number")
            return nil
        }
        return value
    }

    func bool(_ name: String, into errors: inout ValidationErrors) -> Bool? {
        guard let raw = values[name] else { return nil }
        switch raw {
        case "true", "1": return true
        case "false", "0": return false
        default:
            errors.add(name, "must be true or false")
            return nil
        }
    }

    /// `page` and `limit` as `Request.paging` reads them.
    func paging(into errors: inout ValidationErrors) -> (page: Int?, limit: Int?) {
        (int("page", into: &errors), int("limit", into: &errors))
    }

    private static func decode(_ text: Substring) -> String? {
        let spaced = text.contains("+") ? text.replacingOccurrences(of: "+", with: " ") : String(text)
        return spaced.contains("%") ? spaced.removingPercentEncoding : spaced
    }
}

extension Request {
    private struct QueryParametersKey: StorageKey { typealias Value = QueryParameters }

    /// The query, parsed once per request in one linear pass. Vapor's `req.query[…, at:]` parses the whole query again
    /// for every value asked for, and grows with the square of the fields: a 60 KB query of empty fields once held a
    /// page for 19 seconds.
    var queryParameters: QueryParameters {
        if let parsed = storage[QueryParametersKey.self] { return parsed }
        let parsed = QueryParameters(url.query)
        storage[QueryParametersKey.self] = parsed
        return parsed
    }
}

import BidForgeCore
import Fluent
import Foundation
import Vapor

/// The one JSON dialect of the API: ISO-8601 UTC times (`2026-11-26T19:00:00Z`), fractional seconds accepted on input.
enum JSONCoding {
    static let encoder = makeEncoder()
    static let decoder = makeDecoder()

    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let raw = try c.decode(String.self)
            guard let date = parseDate(raw) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "must be an ISO-8601 time such as 2026-11-26T19:00:00Z")
            }
            return date
        }
        return decoder
    }

    /// The calendar fields of `YYYY-MM-DDTHH:MM[:SS]…` name a real day and time (checked before parsing).
    static func fieldsExist(_ raw: String) -> Bool {
        let digits = Array(raw.utf8.prefix(19))
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= digits.count else { return nil }
            return digits[range].allSatisfy { $0 >= 48 && $0 <= 57 }
                ? digits[range].reduce(0) { $0 * 10 + Int($1 - 48) } : nil
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month)
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return false }
        if let hour = number(11..<13), hour > 23 { return false }
        if let minute = number(14..<16), minute > 59 { return false }
        if let second = number(17..<19), second > 59 { return false }
        return true
    }

    /// `2026-11-26T19:00:00Z` (UTC, whole seconds). Written by hand for the years 1600–9999, where it is byte for
    /// byte Foundation's ISO-8601 style (`JSONBytesTests`), because every listing formats sixty dates; other years
    /// take Foundation's formatter (whose calendar is Julian before October 1582).
    static func formatDate(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds >= -11_676_096_000, seconds < 253_402_300_800 else { return foundationFormatted(date) }
        let whole = Int64(seconds)
        let days = whole >= 0 ? whole / 86_400 : (whole - 86_399) / 86_400
        let secondOfDay = Int(whole - days * 86_400)
        // Days since 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        var out = [UInt8](repeating: 0, count: 20)
        func put(_ value: Int, _ at: Int, _ width: Int) {
            var value = value
            for index in stride(from: at + width - 1, through: at, by: -1) {
                out[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(year, 0, 4)
        out[4] = UInt8(ascii: "-")
        put(month, 5, 2)
        out[7] = UInt8(ascii: "-")
        put(day, 8, 2)
        out[10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, 11, 2)
        out[13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, 14, 2)
        out[16] = UInt8(ascii: ":")
        put(secondOfDay % 60, 17, 2)
        out[19] = UInt8(ascii: "Z")
        return String(decoding: out, as: UTF8.self)
    }

    static func foundationFormatted(_ date: Date) -> String {
        date.formatted(
            .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(
                .colon
            ).timeZone(separator: .omitted))
    }

    static func parseDate(_ raw: String) -> Date? {
        // Foundation rolls 30 February over into March: a typo must be a 400, not another day.
        guard fieldsExist(raw) else { return nil }
        if let d = try? Date(raw, strategy: .iso8601) { return d }
        if let d = try? Date(raw, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return d }
        return nil
    }
}

extension Request {
    /// Decodes a JSON body strictly: JSON content type (415 otherwise), a body present, and decoding failures as 400s.
    func decodeJSON<T: Decodable>(_ type: T.Type) throws -> T {
        guard let contentType = headers.contentType,
            contentType.type == "application", contentType.subType == "json" || contentType.subType.hasSuffix("+json")
        else {
            if body.data == nil || body.data?.readableBytes == 0 {
                throw APIError.badRequest("A JSON request body is required.")
            }
            throw APIError(.unsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.")
        }
        guard let buffer = body.data, buffer.readableBytes > 0 else {
            throw APIError.badRequest("A JSON request body is required.")
        }
        return try JSONCoding.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }
}

/// Encodes `nil` as an explicit JSON `null` instead of dropping the key, for fields clients must always see.
@propertyWrapper
public struct NullEncoded<Value: Codable & Sendable>: Codable, Sendable {
    public var wrappedValue: Value?
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch wrappedValue {
        case let id as UUID: try c.encode(id.lowercasedString)  // IDs leave lower-case (CanonicalIDs.swift)
        case let value?: try c.encode(value)
        case nil: try c.encodeNil()
        }
    }
}

extension KeyedDecodingContainer {
    public func decode<V>(_ type: NullEncoded<V>.Type, forKey key: Key) throws -> NullEncoded<V> {
        try decodeIfPresent(NullEncoded<V>.self, forKey: key) ?? NullEncoded(wrappedValue: nil)
    }
}

/// A response body encoded with the API's JSON dialect and a chosen status.
struct JSONResponse<Body: Encodable & Sendable>: AsyncResponseEncodable {
    var status: HTTPResponseStatus = .ok
    let body: Body

    init(_ body: Body) {
        self.body = body
    }

    init(_ status: HTTPResponseStatus, _ body: Body) {
        self.status = status
        self.body = body
    }

    func encodeResponse(for request: Request) async throws -> Response {
        try Response.json(status, body)
    }
}

extension Response {
    static func json<T: Encodable>(_ status: HTTPResponseStatus, _ body: T) throws -> Response {
        let data = try JSONCoding.encoder.encode(body)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(data: data))
    }
}

/// The list shape of every collection endpoint.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    struct Pagination: Encodable, Sendable {
        let page: Int
        let limit: Int
        let total: Int
        /// Project listings: where the next page starts (`?cursor=`), present while another page follows.
        var nextCursor: String? = nil
        /// Project listings: `total` is the database's estimate (more than 10,000 match), not a count.
        var totalIsEstimate: Bool? = nil
    }
    let data: [Item]
    var pagination: Pagination

    init(data: [Item], pagination: Pagination) {
        self.data = data
        self.pagination = pagination
    }

    init(_ items: [Item], _ paging: Paging, total: Int) {
        self.init(data: items, pagination: .init(page: paging.page, limit: paging.limit, total: total))
    }
}

extension QueryBuilder {
    /// One page of the query's rows, sorted as the caller asked, and the total across all pages.
    func page(_ paging: Paging) async throws -> (rows: [Model], total: Int) {
        let total = try await copy().count()
        let rows = try await range(paging.offset..<(paging.offset + paging.limit)).all()
        return (rows, total)
    }
}

extension Request {
    /// `?page=&limit=` parsed strictly: a value that is not a whole number is a 400, not silently ignored.
    func paging(defaultLimit: Int? = nil) throws -> Paging {
        var errors = ValidationErrors()
        let (page, limit) = queryParameters.paging(into: &errors)
        try errors.throwIfAny()
        return try Paging(page: page, limit: limit ?? defaultLimit)
    }
}

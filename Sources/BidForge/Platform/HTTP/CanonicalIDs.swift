import Foundation

/// IDs leave the product lower-case (JSON, URLs, cursors, CSV, event data, logs) and are accepted in either case
/// (`UUID(uuidString:)` reads both). Foundation writes UUIDs upper-case, so every place that turns one into text says
/// `lowercasedString`, and Codable values get it through the overloads below.
extension UUID {
    var lowercasedString: String { uuidString.lowercased() }
}

// The compiler's synthesized `encode(to:)` of every Encodable type in this module picks these overloads over the
// generic ones, so a DTO's `UUID`, `UUID?` and `[UUID]` fields are written lower-case with no code in the DTO.
extension KeyedEncodingContainer {
    mutating func encode(_ value: UUID, forKey key: Key) throws {
        try encode(value.lowercasedString, forKey: key)
    }

    mutating func encodeIfPresent(_ value: UUID?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value.lowercasedString, forKey: key)
    }

    mutating func encode(_ value: [UUID], forKey key: Key) throws {
        try encode(value.map(\.lowercasedString), forKey: key)
    }
}

import Foundation

/// Values stored as JSON text in one column. A column that does not decode is a fault, never an empty value: the
/// error names the type and the request fails (500, logged) rather than show a bid without its lines.
enum JSONColumn {
    struct Corrupt: Error, CustomStringConvertible {
        let type: String
        let underlying: any Error
        var description: String { "a stored \(type) value cannot be decoded: \(underlying)" }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try JSONCoding.encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        do {
            return try JSONCoding.decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw Corrupt(type: String(describing: T.self), underlying: error)
        }
    }
}

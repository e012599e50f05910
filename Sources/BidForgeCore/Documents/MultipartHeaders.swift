import Foundation

/// The parts of a multipart/form-data part's `Content-Disposition` an upload needs.
public struct FormDataDisposition: Equatable, Sendable {
    public var name: String
    public var filename: String?

    /// Parses `form-data; name="file"; filename="plans.pdf"`, preferring an RFC 5987 `filename*=UTF-8''…` when sent.
    public static func parse(_ header: String) -> FormDataDisposition? {
        var parameters: [String: String] = [:]
        let pieces = split(header)
        guard let type = pieces.first?.lowercased(), type == "form-data" else { return nil }
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            parameters[key] = value
        }
        guard let name = parameters["name"] else { return nil }
        var filename = parameters["filename"]
        if let extended = parameters["filename*"], let decoded = decodeExtended(extended) { filename = decoded }
        return FormDataDisposition(name: name, filename: filename)
    }

    /// `;`-separated, but not inside quotes (a file may be called "a;b.pdf").
    static func split(_ header: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var previous: Character = " "
        for character in header {
            if character == "\"" && previous != "\\" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        pieces.append(current.trimmingCharacters(in: .whitespaces))
        return pieces.filter { !$0.isEmpty }
    }

    static func decodeExtended(_ value: String) -> String? {
        let parts = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "utf-8" else { return nil }
        return String(parts[2]).removingPercentEncoding
    }
}

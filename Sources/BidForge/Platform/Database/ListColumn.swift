import Foundation

/// Short code lists (trades, states) stored as ",03,09," so that `LIKE '%,03,%'` finds a member on any database.
enum ListColumn {
    static func join(_ values: [String]) -> String { values.isEmpty ? "" : "," + values.joined(separator: ",") + "," }
    static func split(_ text: String) -> [String] { text.split(separator: ",").map(String.init) }
    static func pattern(_ value: String) -> String { "%,\(value),%" }
}

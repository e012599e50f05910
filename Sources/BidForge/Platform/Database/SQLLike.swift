import Foundation

/// Text typed by a user inside a `LIKE` pattern (with `ESCAPE '\\'`): `%`, `_` and the backslash match themselves.
enum SQLLike {
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_")
    }
}

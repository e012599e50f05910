import Foundation

/// Every page's path, used both to register the routes and to build links, so the two cannot drift apart.
enum SiteURL {
    static let home = "/"
    static let login = "/login"
    static let signup = "/signup"
    static let logout = "/logout"
    static let dashboard = "/dashboard"
    static let notifications = "/notifications"
    static let conversations = "/conversations"
    static let company = "/company"
    /// Where the page script gets a realtime ticket for the signed-in browser.
    static let liveTicket = "/live/ticket"

    static func project(_ id: UUID) -> String { "/projects/\(id.uuidString.lowercased())" }
    static func conversation(_ id: UUID) -> String { "/conversations/\(id.uuidString.lowercased())" }
    static func document(_ id: UUID, variant: String? = nil) -> String {
        "/documents/\(id.uuidString.lowercased())" + (variant.map { "?variant=\($0)" } ?? "")
    }

    /// Only same-site paths may be redirect targets. Browsers parse a `Location` by the WHATWG URL rules: they drop
    /// tabs and newlines anywhere, trim spaces and control characters, and read a backslash as `/`, so a tab or a
    /// backslash after the first `/` leaves the site. A target is therefore printable ASCII without spaces or
    /// backslashes, starting with one `/` (never `//`).
    static func isLocal(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count < 2 || bytes[1] != UInt8(ascii: "/") else { return false }
        return bytes.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
    }
}

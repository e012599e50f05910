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

    /// Only same-site paths may be redirect targets (`?next=//evil.example` must not leave the site).
    static func isLocal(_ path: String) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("//") && !path.hasPrefix("/\\") && !path.contains("\r") && !path.contains("\n")
    }
}

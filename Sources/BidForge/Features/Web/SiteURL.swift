import Foundation
import Vapor

/// Every page's route: its path template. Pages are registered from it (`routes.page(.project, use:)`) and every link
/// is built from it (`SiteURL.project(id)`, `SiteURL.dashboard.path`, and in templates `layout.links`), so a link
/// cannot point at a page that is not served (`PageRoutesTests`).
enum SiteURL: String, CaseIterable, Sendable {
    case home = "/"
    case login = "/login"
    case signup = "/signup"
    case logout = "/logout"
    case dashboard = "/dashboard"
    case company = "/company"
    case notifications = "/notifications"
    case notificationsReadAll = "/notifications/read-all"
    /// Where the page script gets a realtime ticket for the signed-in browser.
    case liveTicket = "/live/ticket"
    case conversations = "/conversations"
    case conversation = "/conversations/:conversationID"
    case conversationMessages = "/conversations/:conversationID/messages"
    case projects = "/projects"
    case newProject = "/projects/new"
    case project = "/projects/:projectID"
    case projectEdit = "/projects/:projectID/edit"
    case projectPublish = "/projects/:projectID/publish"
    case projectClose = "/projects/:projectID/close"
    case projectCancel = "/projects/:projectID/cancel"
    case projectAward = "/projects/:projectID/award"
    case projectInvitations = "/projects/:projectID/invitations"
    case projectQuestions = "/projects/:projectID/questions"
    case projectBids = "/projects/:projectID/bids"
    case projectDocuments = "/projects/:projectID/documents"
    case projectLevelingCSV = "/projects/:projectID/leveling.csv"
    case questionAnswer = "/questions/:questionID/answer"
    case bidRevise = "/bids/:bidID/revise"
    case bidWithdraw = "/bids/:bidID/withdraw"
    case invitationRespond = "/invitations/:invitationID/respond"
    case document = "/documents/:documentID"
    case documentDelete = "/documents/:documentID/delete"

    /// The route's path as Vapor registers it.
    var pathComponents: [PathComponent] { rawValue.pathComponents }

    /// The link to a page without parameters.
    var path: String {
        precondition(!rawValue.contains(":"), "\(rawValue) needs its ids: call it with them")
        return rawValue
    }

    /// The link with the template's ids filled in order (`SiteURL.project(id)`).
    func callAsFunction(_ ids: UUID...) -> String {
        var remaining = ids[...]
        let parts = rawValue.split(separator: "/", omittingEmptySubsequences: false).map { part -> Substring in
            guard part.hasPrefix(":") else { return part }
            guard let id = remaining.popFirst() else { preconditionFailure("\(rawValue) needs more ids") }
            return Substring(id.lowercasedString)
        }
        precondition(remaining.isEmpty, "\(rawValue) takes fewer ids")
        return parts.joined(separator: "/")
    }

    /// A document's bytes in one of its image variants (`display`, `thumbnail`).
    static func document(_ id: UUID, variant: String) -> String {
        SiteURL.document(id) + "?variant=" + variant
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

/// The links the layout and the templates use, from the route table.
struct SiteLinks: Encodable, Sendable {
    let home = SiteURL.home.path
    let login = SiteURL.login.path
    let signup = SiteURL.signup.path
    let logout = SiteURL.logout.path
    let dashboard = SiteURL.dashboard.path
    let company = SiteURL.company.path
    let notifications = SiteURL.notifications.path
    let notificationsReadAll = SiteURL.notificationsReadAll.path
    let conversations = SiteURL.conversations.path
    let newProject = SiteURL.newProject.path
    let liveTicket = SiteURL.liveTicket.path
}

extension RoutesBuilder {
    /// A page (GET) at its route in the table.
    @discardableResult
    func page<Response: AsyncResponseEncodable>(
        _ url: SiteURL, use handler: @escaping @Sendable (Request) async throws -> Response
    ) -> Route {
        on(.GET, url.pathComponents, use: handler)
    }
}

import Vapor
import Fluent
import BidForgeCore

/// The signed-in home: the company's projects by status, its bids by status, and the latest notifications.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("dashboard", use: dashboard)
    }

    struct StatusGroup<Item: Encodable & Sendable>: Encodable, Sendable {
        let status: String
        let items: [Item]
    }

    struct BidRow: Encodable, Sendable {
        let projectTitle: String
        let projectURL: String
        let amount: String
        let status: String
        let revision: Int
        let staleAddendum: Bool
    }

    struct NotificationRow: Encodable, Sendable {
        let title: String
        let body: String
        let unread: Bool
        let createdAt: String
        let createdText: String
    }

    struct DashboardPage: Encodable, Sendable {
        let projects: [StatusGroup<ProjectCard>]
        let bids: [StatusGroup<BidRow>]
        let notifications: [NotificationRow]
        let unreadCount: Int
        let mayPost: Bool
        let mayBid: Bool
    }

    func dashboard(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let caller = user.caller
        var projectGroups: [StatusGroup<ProjectCard>] = []
        if caller.role.mayPostProjects {
            let filter = try ProjectFilter(ProjectFilter.Raw(mine: true), paging: try Paging(page: 1, limit: 100))
            let rows = try await ProjectQueries.list(filter, caller: caller, on: req.db).rows
            projectGroups = ProjectStatus.allCases.compactMap { status in
                let items = rows.filter { $0.0.status == status }.map { ProjectCard($0.0, bidCount: $0.1) }
                return items.isEmpty ? nil : StatusGroup(status: status.rawValue, items: items)
            }
        }
        var bidGroups: [StatusGroup<BidRow>] = []
        if caller.role.mayBid {
            let bids = try await BidModel.query(on: req.db).filter(\.$companyId == caller.companyId)
                .join(ProjectModel.self, on: \BidModel.$projectId == \ProjectModel.$id)
                .sort(\.$updatedAt, .descending).limit(100).all()
            let rows = try bids.map { bid -> (BidStatus, BidRow) in
                let project = try bid.joined(ProjectModel.self)
                return (bid.status, BidRow(projectTitle: project.title, projectURL: SiteURL.project(project.id!),
                                           amount: PageFormats.money(bid.amountCents), status: bid.status.rawValue,
                                           revision: bid.revision, staleAddendum: bid.acknowledgedAddendum < project.addendumCount))
            }
            bidGroups = BidStatus.allCases.compactMap { status in
                let items = rows.filter { $0.0 == status }.map(\.1)
                return items.isEmpty ? nil : StatusGroup(status: status.rawValue, items: items)
            }
        }
        let notifications = try await NotificationModel.query(on: req.db).filter(\.$userId == caller.userId)
            .sort(\.$createdAt, .descending).limit(10).all()
        let unread = try await NotificationModel.query(on: req.db).filter(\.$userId == caller.userId)
            .filter(\.$readAt == nil).count()
        let page = DashboardPage(
            projects: projectGroups, bids: bidGroups,
            notifications: notifications.map { NotificationRow(title: $0.title, body: $0.body, unread: $0.readAt == nil,
                                                               createdAt: JSONCoding.formatDate($0.createdAt),
                                                               createdText: PageFormats.utc($0.createdAt)) },
            unreadCount: unread, mayPost: caller.role.mayPostProjects, mayBid: caller.role.mayBid)
        return try await Pages.render(req, "dashboard", title: "Dashboard", page)
    }
}

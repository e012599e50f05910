import BidForgeCore
import Fluent
import Vapor

/// The signed-in home: the company's projects by status, its bids by status, and the latest notifications.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.page(.dashboard, use: dashboard)
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

    struct InvitationRow: Encodable, Sendable {
        let respondURL: String
        let projectTitle: String
        let projectURL: String
        let ownerName: String
        let status: String
        let dueAt: String
        let dueText: String
        /// Will bid / decline still possible (the project is open and no bid is in).
        let mayRespond: Bool
    }

    struct CalendarEntry: Encodable, Sendable {
        let dueAt: String
        let dueText: String
        let projectTitle: String
        let projectURL: String
        let why: String
    }

    struct DashboardPage: Encodable, Sendable {
        let invitations: [InvitationRow]
        let calendar: [CalendarEntry]
        let projects: [StatusGroup<ProjectCard>]
        let bids: [StatusGroup<BidRow>]
        let notifications: [NotificationRow]
        let mayPost: Bool
        let mayBid: Bool
    }

    func dashboard(_ req: Request) async throws -> Response {
        let user = try await WebSession.requireUser(req)
        let caller = user.caller
        var projectGroups: [StatusGroup<ProjectCard>] = []
        if caller.role.mayPostProjects {
            let filter = try ProjectFilter(ProjectFilter.Raw(mine: true), paging: try Paging(page: 1, limit: 100))
            let rows = try await ProjectQueries.list(filter, caller: caller, in: req.useCases).rows
            projectGroups = try ProjectStatus.allCases.compactMap { status in
                let items = rows.filter { $0.status == status }.map(ProjectCard.init)
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
                return (
                    bid.status,
                    BidRow(
                        projectTitle: project.title, projectURL: SiteURL.project(try project.requireID()),
                        amount: PageFormats.money(bid.amountCents), status: bid.status.rawValue,
                        revision: bid.revision, staleAddendum: bid.acknowledgedAddendum < project.addendumCount)
                )
            }
            bidGroups = BidStatus.allCases.compactMap { status in
                let items = rows.filter { $0.0 == status }.map(\.1)
                return items.isEmpty ? nil : StatusGroup(status: status.rawValue, items: items)
            }
        }
        let (notifications, _) = try await NotificationInbox.page(
            for: caller, unreadOnly: false, limit: 10, withTotal: false, on: req.db)
        let (invitations, calendar) = caller.role.mayBid ? try await Self.bidderAgenda(caller, req: req) : ([], [])
        let page = DashboardPage(
            invitations: invitations, calendar: calendar,
            projects: projectGroups, bids: bidGroups,
            notifications: notifications.map {
                NotificationRow(
                    title: $0.notification.title, body: $0.notification.body, unread: $0.readAt == nil,
                    createdAt: JSONCoding.formatDate($0.notification.createdAt),
                    createdText: PageFormats.utc($0.notification.createdAt))
            },
            mayPost: caller.role.mayPostProjects, mayBid: caller.role.mayBid)
        return try await Pages.render(req, "dashboard", title: "Dashboard", page)
    }

    /// The invitations inbox (newest first) and the bid calendar: due dates still ahead of projects the company is
    /// invited to (and has not declined) or has a live bid on, soonest first.
    static func bidderAgenda(_ caller: Caller, req: Request) async throws -> ([InvitationRow], [CalendarEntry]) {
        let invitations = try await ProjectAccess.publishedOnly(
            InvitationModel.query(on: req.db)
                .join(ProjectModel.self, on: \InvitationModel.$projectId == \ProjectModel.$id)
                .filter(\.$companyId == caller.companyId)
        )
        .sort(\.$createdAt, .descending).limit(100).all()
        let projects = try invitations.map { try $0.joined(ProjectModel.self) }
        let owners = try await CompanyModel.query(on: req.db).filter(\.$id ~~ Array(Set(projects.map(\.companyId))))
            .all()
        let ownerNames = Dictionary(uniqueKeysWithValues: try owners.map { ((try $0.requireID()), $0.name) })
        let rows = try zip(invitations, projects).map { invitation, project in
            InvitationRow(
                respondURL: SiteURL.invitationRespond(try invitation.requireID()),
                projectTitle: project.title,
                projectURL: SiteURL.project(try project.requireID()), ownerName: ownerNames[project.companyId] ?? "",
                status: invitation.status.rawValue, dueAt: JSONCoding.formatDate(project.bidDueAt),
                dueText: PageFormats.utc(project.bidDueAt),
                mayRespond: BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: req.now)
                    && invitation.status != .bidSubmitted)
        }
        var entries: [UUID: CalendarEntry] = [:]
        for (invitation, project) in zip(invitations, projects)
        where BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: req.now)
            && invitation.status != .declined
        {
            entries[(try project.requireID())] = CalendarEntry(
                dueAt: JSONCoding.formatDate(project.bidDueAt), dueText: PageFormats.utc(project.bidDueAt),
                projectTitle: project.title, projectURL: SiteURL.project(try project.requireID()), why: "invited")
        }
        let bidding = try await BidModel.query(on: req.db).filter(\.$companyId == caller.companyId).filter(
            \.$status == .submitted
        )
        .join(ProjectModel.self, on: \BidModel.$projectId == \ProjectModel.$id)
        .filter(ProjectModel.self, \.$bidDueAt > req.now).limit(200).all()
        for bid in bidding {
            let project = try bid.joined(ProjectModel.self)
            entries[(try project.requireID())] = CalendarEntry(
                dueAt: JSONCoding.formatDate(project.bidDueAt), dueText: PageFormats.utc(project.bidDueAt),
                projectTitle: project.title, projectURL: SiteURL.project(try project.requireID()), why: "bid submitted")
        }
        return (rows, entries.values.sorted { $0.dueAt < $1.dueAt })
    }
}

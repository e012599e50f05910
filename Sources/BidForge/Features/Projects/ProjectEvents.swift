import BidForgeCore
import Fluent
import Foundation

/// A draft went OPEN: the companies invited while it was a draft get their invitations now.
struct ProjectPublished: EventPayload {
    let project: InvitationNotice
    let ownerCompanyId: UUID
    let invited: [UUID]

    var notifications: [NotificationDraft] { invited.isEmpty ? [] : [project.draft(to: invited)] }

    var pushes: [Push] {
        let data: JSONValue = .object([
            "projectId": .string(project.projectId.lowercasedString), "status": .string(ProjectStatus.open.rawValue)
        ])
        return [Push(type: "project.updated", companyIds: invited, data: data)]
    }

    var cacheScopes: [String] {
        [CacheScope.project(project.projectId), CacheScope.listings]
            + (invited + [ownerCompanyId]).map(CacheScope.analytics)
    }
}

/// A change bidders care about (an edit, closing, cancelling), pushed to every company invited to or bidding on the
/// project. When the due time moved they are also notified (`BID_DUE_CHANGED`), since they price and plan against it.
struct ProjectUpdated: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let status: ProjectStatus
    let bidDueAt: Date
    let previousBidDueAt: Date?
    let audience: [UUID]

    var data: [String: JSONValue] {
        [
            "projectId": .string(projectId.lowercasedString), "status": .string(status.rawValue),
            "bidDueAt": .string(JSONCoding.formatDate(bidDueAt))
        ]
    }

    var notifications: [NotificationDraft] {
        guard let previousBidDueAt else { return [] }
        var moved = data
        moved["previousBidDueAt"] = .string(JSONCoding.formatDate(previousBidDueAt))
        return [
            NotificationDraft(
                companyIds: audience, type: .bidDueChanged, title: "Bid due time changed: \(projectTitle)",
                body:
                    "Bids for \(projectTitle) are now due \(HumanTime.utc(bidDueAt)) (was \(HumanTime.utc(previousBidDueAt))).",
                data: moved)
        ]
    }

    var pushes: [Push] { [Push(type: "project.updated", companyIds: audience, data: .object(data))] }

    var cacheScopes: [String] { [CacheScope.project(projectId), CacheScope.listings] }
}

enum ProjectEvents {
    /// Records `ProjectUpdated` for the companies invited to or bidding on `project` (nothing when there are none).
    /// `dueMovedFrom`: the due time before this change, when it moved.
    @discardableResult
    static func recordUpdated(
        _ project: ProjectModel, dueMovedFrom previousDue: Date? = nil, on db: any Database,
        now: Date
    ) async throws -> DomainEvent? {
        let projectId = try project.requireID()
        let audience = try await ProjectQueries.audience(of: projectId, includingWithdrawn: false, on: db)
        guard !audience.isEmpty else { return nil }
        let event = DomainEvent.projectUpdated(
            ProjectUpdated(
                projectId: projectId, projectTitle: project.title, status: project.status, bidDueAt: project.bidDueAt,
                previousBidDueAt: previousDue, audience: audience.sorted { $0.uuidString < $1.uuidString }))
        try await event.record(by: project.companyId, on: db, now: now)
        return event
    }
}

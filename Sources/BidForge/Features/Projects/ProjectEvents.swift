import Fluent
import Foundation
import BidForgeCore

/// `project.updated` pushes for changes bidders care about (edits, closing, cancelling) to every company invited to
/// or bidding on the project.
enum ProjectEvents {
    /// `dueMovedFrom`: the due time before this change, when it moved — everyone invited or bidding is then notified
    /// (`BID_DUE_CHANGED`), since they price and plan against it.
    static func recordUpdated(_ project: ProjectModel, dueMovedFrom previousDue: Date? = nil, on db: any Database, now: Date) async throws {
        let projectId = try project.requireID()
        let invited = try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId)
        let bidding = try await BidModel.query(on: db).filter(\.$projectId == projectId).filter(\.$status != .withdrawn).all().map(\.companyId)
        let audience = Array(Set(invited + bidding))
        guard !audience.isEmpty else { return }
        let data: [String: JSONValue] = ["projectId": .string(projectId.lowercasedString), "status": .string(project.status.rawValue),
                                         "bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))]
        var notifications: [NotificationDraft] = []
        if let previousDue {
            var moved = data
            moved["previousBidDueAt"] = .string(JSONCoding.formatDate(previousDue))
            notifications.append(NotificationDraft(
                companyIds: audience, type: .bidDueChanged, title: "Bid due time changed: \(project.title)",
                body: "Bids for \(project.title) are now due \(HumanTime.utc(project.bidDueAt)) (was \(HumanTime.utc(previousDue))).",
                data: moved))
        }
        try await Outbox.record(DomainEvent(type: .projectUpdated, data: data, notifications: notifications,
                                            push: [Push(type: "project.updated", companyIds: audience)]),
                                by: project.companyId, on: db, now: now)
    }
}

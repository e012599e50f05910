import Fluent
import Foundation

/// `project.updated` pushes for changes bidders care about (edits, closing, cancelling) to every company invited to
/// or bidding on the project.
enum ProjectEvents {
    static func recordUpdated(_ project: ProjectModel, on db: any Database, now: Date) async throws {
        let invited = try await InvitationModel.query(on: db).filter(\.$projectId == project.id!).all().map(\.companyId)
        let bidding = try await BidModel.query(on: db).filter(\.$projectId == project.id!).filter(\.$status != .withdrawn).all().map(\.companyId)
        let audience = Array(Set(invited + bidding))
        guard !audience.isEmpty else { return }
        try await Outbox.record(DomainEvent(
            type: .projectUpdated,
            data: ["projectId": .string(project.id!.uuidString), "status": .string(project.status.rawValue),
                   "bidDueAt": .string(JSONCoding.formatDate(project.bidDueAt))],
            push: [Push(type: "project.updated", companyIds: audience)]), by: project.companyId, on: db, now: now)
    }
}

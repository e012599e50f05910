import Foundation

/// What an invitation to bid says about the project.
struct InvitationNotice: Codable, Sendable, Equatable {
    let projectId: UUID
    let title: String
    let city: String
    let state: String

    init(_ project: ProjectModel) throws {
        projectId = try project.requireID()
        title = project.title
        city = project.city
        state = project.state
    }

    func draft(to companies: [UUID]) -> NotificationDraft {
        NotificationDraft(
            companyIds: companies, type: .invitationReceived, title: "Invitation to bid: \(title)",
            body: "You are invited to bid on \(title) in \(city), \(state).",
            data: ["projectId": .string(projectId.lowercasedString)])
    }
}

/// Companies were invited to an OPEN project.
struct InvitationCreated: EventPayload {
    let project: InvitationNotice
    let invited: [UUID]

    var notifications: [NotificationDraft] { [project.draft(to: invited)] }

    var cacheScopes: [String] { [CacheScope.project(project.projectId)] + invited.map(CacheScope.invitations) }
}

import BidForgeCore
import Fluent
import Foundation

/// The invited company's answer to an invitation.
enum InvitationAnswer: String, Codable, Sendable {
    case willBid = "WILL_BID"
    case declined = "DECLINED"
}

/// What happens to invitations: the invited company answers; looking, bidding and withdrawing move them along.
enum InvitationActions {
    struct Answered: @unchecked Sendable {
        let invitation: InvitationModel
        let project: ProjectModel
    }

    /// The invited company's answer while bidding is open; 404 for anyone else's invitation.
    static func respond(
        to id: UUID?, with answer: InvitationAnswer, by caller: Caller,
        in context: UseCaseContext
    ) async throws -> Outcome<(InvitationModel, ProjectModel)> {
        guard let id else { throw APIError.notFound("Invitation") }
        let now = context.now
        let answered = try await context.write { db -> Answered in
            try await db.lockForUpdate("invitations", id: id)
            guard let invitation = try await InvitationModel.find(id, on: db), invitation.companyId == caller.companyId,
                let project = try await ProjectModel.find(invitation.projectId, on: db), project.status != .draft
            else {
                throw APIError.notFound("Invitation")
            }
            try BidAccess.requireBiddingOpen(project, now: now)
            guard invitation.status != .bidSubmitted else {
                throw APIError.invalidTransition(from: invitation.status.rawValue, action: "respond")
            }
            invitation.status = answer == .willBid ? .willBid : .declined
            invitation.respondedAt = now
            try await invitation.update(on: db)
            return Answered(invitation: invitation, project: project)
        }
        return Outcome(value: (answered.invitation, answered.project), events: [])
    }

    /// The first look at the project moves a pending invitation to VIEWED; later looks write nothing.
    static func markViewedIfPending(projectId: UUID, companyId: UUID, in context: UseCaseContext) async throws {
        guard
            try await InvitationModel.query(on: context.db).filter(\.$projectId == projectId)
                .filter(\.$companyId == companyId).filter(\.$status == .pending).first() != nil
        else { return }
        try await context.write { db in
            try await InvitationModel.query(on: db)
                .set(\.$status, to: .viewed)
                .filter(\.$projectId == projectId).filter(\.$companyId == companyId).filter(\.$status == .pending)
                .update()
        }
    }

    /// Moves the company's invitation to `status` (bidding submits it, withdrawing declines it), inside the caller's
    /// transaction.
    static func setStatus(_ status: InvitationStatus, projectId: UUID, companyId: UUID, on db: any Database, now: Date)
        async throws
    {
        try await InvitationModel.query(on: db)
            .set(\.$status, to: status).set(\.$respondedAt, to: now)
            .filter(\.$projectId == projectId).filter(\.$companyId == companyId)
            .update()
    }

    /// The companies invited to a project.
    static func invitedCompanies(_ projectId: UUID, on db: any Database) async throws -> [UUID] {
        try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId)
    }
}

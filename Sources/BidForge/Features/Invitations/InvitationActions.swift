import BidForgeCore
import Fluent
import Foundation
import SQLKit

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
            guard let invitation = try await db.locked(InvitationModel.self, id: id),
                invitation.companyId == caller.companyId,
                let project = try await ProjectModel.find(invitation.projectId, on: db),
                ProjectAccess.isPublished(project)
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
        // SQL, not Fluent's query builder: this runs in every bid's transaction (see `InsertableRow`).
        try await db.sql.raw(
            """
            UPDATE invitations SET status = \(bind: status.rawValue), responded_at = \(bind: now) \
            WHERE project_id = \(bind: projectId) AND company_id = \(bind: companyId)
            """
        ).run()
    }

    /// The companies invited to a project.
    static func invitedCompanies(_ projectId: UUID, on db: any Database) async throws -> [UUID] {
        try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId)
    }
}

extension InvitationActions {
    static let maxPerRequest = 100

    /// Companies chosen by what they do: any of `trades`, and any of `states` when given.
    struct Match: Sendable {
        let trades: [String]
        let states: [String]
    }

    struct Invited: @unchecked Sendable {
        let invitation: InvitationModel
        let companyName: String
    }

    /// Whether a project takes invitations now (the page offers the form only then).
    static func acceptsInvitations(_ project: ProjectModel) -> Bool {
        project.status == .draft || project.status == .open
    }

    /// Invites the named companies and/or every company matching trades and states to a project the caller's company
    /// owns; companies already invited keep their invitation. On an OPEN project the new ones are told at once; on a
    /// draft, when it is published.
    static func invite(
        companies ids: [UUID], matching match: Match?, to projectId: UUID?, by caller: Caller,
        in context: UseCaseContext
    ) async throws -> Outcome<[Invited]> {
        _ = try await ProjectAccess.findOwned(projectId, caller: caller, on: context.db)
        var errors = ValidationErrors()
        if ids.isEmpty && match == nil { errors.add("companyIds", "give companyIds, match, or both") }
        if ids.count > maxPerRequest { errors.add("companyIds", "must have at most \(maxPerRequest) companies") }
        if let match {
            if match.trades.isEmpty { errors.add("match.trades", "must name at least one trade") }
            Trades.validate("match.trades", match.trades, into: &errors)
            USStates.validate("match.states", match.states, into: &errors)
        }
        if ids.contains(caller.companyId) { errors.add("companyIds", "must not include your own company") }
        try errors.throwIfAny()

        let now = context.now
        return try await context.write { db in
            let project = try await ProjectAccess.findOwnedForUpdate(projectId, caller: caller, on: db)
            let projectId = try project.requireID()
            guard acceptsInvitations(project) else {
                throw APIError.conflict(
                    "BIDDING_CLOSED", "Invitations can only be sent while the project is a draft or open.")
            }
            var targets: [CompanyModel] = []
            if !ids.isEmpty {
                let found = try await CompanyModel.query(on: db).filter(\.$id ~~ Array(Set(ids))).all()
                let missing = Set(ids).subtracting(found.compactMap(\.id))
                if !missing.isEmpty {
                    throw APIError.validation(
                        "companyIds",
                        "unknown companies: \(missing.map(\.lowercasedString).sorted().joined(separator: ", "))")
                }
                targets = found
            }
            if let match {
                let matched = try await CompanyQueries.matching(
                    trades: match.trades, states: match.states, excluding: caller.companyId, limit: maxPerRequest,
                    on: db)
                targets += matched.filter { m in !targets.contains { $0.id == m.id } }
            }
            let existing = try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all()
            let existingByCompany = Dictionary(uniqueKeysWithValues: existing.map { ($0.companyId, $0) })
            var result: [Invited] = []
            var newlyInvited: [UUID] = []
            for company in targets {
                let companyId = try company.requireID()
                if let invitation = existingByCompany[companyId] {
                    result.append(Invited(invitation: invitation, companyName: company.name))
                    continue
                }
                let invitation = InvitationModel(
                    projectId: projectId, companyId: companyId, ownerCompanyId: project.companyId, now: now)
                try await invitation.create(on: db)
                newlyInvited.append(companyId)
                result.append(Invited(invitation: invitation, companyName: company.name))
            }
            guard project.status == .open, !newlyInvited.isEmpty else { return Outcome(value: result, events: []) }
            let event = DomainEvent.invitationCreated(
                InvitationCreated(project: try InvitationNotice(project), invited: newlyInvited))
            try await event.record(by: caller.companyId, on: db, now: now)
            return Outcome(value: result, events: [event])
        }
    }
}

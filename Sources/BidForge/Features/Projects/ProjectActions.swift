import BidForgeCore
import Fluent
import Foundation

/// A project's life: drafting, editing, publishing, closing, cancelling and awarding — each rule stated once, for the
/// API, the pages and the tests. Access is checked by id in every action (404 for what the caller may not see).
enum ProjectActions {
    /// A new DRAFT project.
    static func create(_ input: ProjectInput, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<
        ProjectModel
    > {
        try ProjectAccess.requireMayPost(caller)
        let now = context.now
        let project = draft(input, by: caller, now: now)
        try problems(of: input, drafted: project, now: now).throwIfAny()
        try await context.write { db in
            try await project.create(on: db)
            try await ProjectTrades.replace(project.trades, of: project, on: db)
        }
        return Outcome(value: project, events: [])
    }

    /// Every problem with a new project's fields, all at once (the API's 400 and the page's form show them together).
    static func problems(of input: ProjectInput, now: Date) -> ValidationErrors {
        problems(of: input, drafted: draft(input, by: nil, now: now), now: now)
    }

    private static func problems(of input: ProjectInput, drafted project: ProjectModel, now: Date) -> ValidationErrors {
        var errors = ValidationErrors()
        input.location.validate(into: &errors)
        if input.title.allSatisfy(\.isWhitespace) { errors.add("title", "must not be empty") }
        errors.merge(ProjectRules.problems(project, now: now, requireFutureDue: true))
        return errors
    }

    /// The DRAFT row `input` describes (not validated here).
    private static func draft(_ input: ProjectInput, by caller: Caller?, now: Date) -> ProjectModel {
        let project = ProjectModel()
        project.id = UUID()
        if let caller {
            project.companyId = caller.companyId
            project.createdBy = caller.userId
        }
        project.title = input.title.trimmingWhitespace()
        project.description = input.description ?? ""
        project.status = .draft
        project.visibility = input.visibility ?? .public
        project.sealed = input.sealed ?? false
        project.trades = input.trades ?? []
        apply(input.location, to: project)
        project.budgetMinCents = input.budgetMinCents
        project.budgetMaxCents = input.budgetMaxCents
        project.bidDueAt = input.bidDueAt
        project.addendumCount = 0
        project.createdAt = now
        project.updatedAt = now
        return project
    }

    /// Applies `patch` to an editable project; bidders hear about changes to a published one, and about a moved due time.
    static func update(
        _ projectId: UUID?, with patch: ProjectPatch, by caller: Caller,
        in context: UseCaseContext
    ) async throws -> Outcome<ProjectModel> {
        let now = context.now
        return try await context.write { db in
            let project = try await ProjectAccess.findOwnedForUpdate(projectId, caller: caller, on: db)
            guard project.status.isEditable else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "edit the project")
            }
            if let sealed = patch.sealed, sealed != project.sealed, project.status != .draft {
                throw APIError.conflict("INVALID_TRANSITION", "Sealing can only change while the project is a draft.")
            }
            if let visibility = patch.visibility, visibility != project.visibility, project.status != .draft {
                throw APIError.conflict(
                    "INVALID_TRANSITION", "Visibility can only change while the project is a draft.")
            }
            var locationErrors = ValidationErrors()
            patch.location?.validate(into: &locationErrors)
            try locationErrors.throwIfAny()
            if let title = patch.title {
                if title.allSatisfy(\.isWhitespace) { throw APIError.validation("title", "must not be empty") }
                project.title = title.trimmingWhitespace()
            }
            if let description = patch.description { project.description = description }
            if let visibility = patch.visibility { project.visibility = visibility }
            if let sealed = patch.sealed { project.sealed = sealed }
            if let trades = patch.trades { try await ProjectTrades.replace(trades, of: project, on: db) }
            if let location = patch.location { apply(location, to: project) }
            if let min = patch.budgetMinCents { project.budgetMinCents = min }
            if let max = patch.budgetMaxCents { project.budgetMaxCents = max }
            let previousDue = project.bidDueAt
            if let due = patch.bidDueAt, due != previousDue {
                try await moveDue(of: project, to: due, now: now, on: db)
            }
            project.updatedAt = now
            try ProjectRules.validate(project, now: now, requireFutureDue: false)
            try await project.update(on: db)
            guard project.status != .draft else { return Outcome(value: project, events: []) }
            let event = try await ProjectEvents.recordUpdated(
                project, dueMovedFrom: project.bidDueAt != previousDue ? previousDue : nil,
                on: db, now: now)
            return Outcome(value: project, events: event.map { [$0] } ?? [])
        }
    }

    /// The due-time rules (`BiddingWindow`): a passed due time never moves; with bids in, it only moves later.
    private static func moveDue(of project: ProjectModel, to due: Date, now: Date, on db: any Database) async throws {
        let previousDue = project.bidDueAt
        var hasBids = false
        if project.status == .open {
            hasBids = try await BidPartitions.bids(of: project, on: db).count() > 0
        }
        switch BiddingWindow.refusal(moving: previousDue, to: due, status: project.status, hasBids: hasBids, now: now) {
        case nil: project.bidDueAt = due
        case .notInFuture: throw APIError.validation("bidDueAt", "must be in the future")
        case .passed:
            throw APIError(
                .conflict, "DUE_TIME_LOCKED",
                "The bid due time has passed: bidding stays closed and the due time cannot move.",
                details: ["bidDueAt": .string(JSONCoding.formatDate(previousDue))])
        case .earlierWithBids:
            throw APIError(
                .conflict, "DUE_TIME_LOCKED", "Bids are in: the due time can only move later.",
                details: ["bidDueAt": .string(JSONCoding.formatDate(previousDue))])
        }
    }

    /// DRAFT → OPEN, within the plan's open-project limit; companies invited while it was a draft are told now.
    static func publish(_ projectId: UUID?, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<
        ProjectModel
    > {
        try await transition(projectId, by: caller, to: .open, action: "publish", in: context) { project, db, now in
            guard project.bidDueAt > now else {
                throw APIError.validation("bidDueAt", "must be in the future to publish; edit the project first")
            }
            try await db.lockForUpdate("companies", id: caller.companyId)
            guard let company = try await CompanyModel.find(caller.companyId, on: db) else {
                throw APIError.unauthenticated
            }
            let openNow = try await ProjectModel.query(on: db)
                .filter(\.$companyId == caller.companyId).filter(\.$status == .open).count()
            try PlanLimits.checkOneMore(
                plan: company.plan, limit: company.plan.maxOpenProjects, used: openNow,
                resource: "open projects at once")
            project.publishedAt = now
            let invited = try await InvitationActions.invitedCompanies(try project.requireID(), on: db)
            return .projectPublished(
                ProjectPublished(
                    project: try InvitationNotice(project), ownerCompanyId: project.companyId,
                    invited: invited))
        }
    }

    /// OPEN → CLOSED: no more bids; the owner levels and awards.
    static func close(_ projectId: UUID?, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<
        ProjectModel
    > {
        try await transition(projectId, by: caller, to: .closed, action: "close", in: context) { _, _, _ in nil }
    }

    /// DRAFT, OPEN or CLOSED → CANCELLED.
    static func cancel(_ projectId: UUID?, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<
        ProjectModel
    > {
        try await transition(projectId, by: caller, to: .cancelled, action: "cancel", in: context) { _, _, _ in nil }
    }

    /// Moves a project along its status machine under a row lock; `effects` runs in the same transaction and may name
    /// the event the move records (otherwise bidders get `ProjectUpdated`).
    private static func transition(
        _ projectId: UUID?, by caller: Caller, to next: ProjectStatus, action: String, in context: UseCaseContext,
        effects: @escaping @Sendable (ProjectModel, any Database, Date) async throws -> DomainEvent?
    ) async throws -> Outcome<ProjectModel> {
        let now = context.now
        return try await context.write { db in
            let project = try await ProjectAccess.findOwnedForUpdate(projectId, caller: caller, on: db)
            guard project.status.canMove(to: next) else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: action)
            }
            let own = try await effects(project, db, now)
            project.status = next
            project.updatedAt = now
            try await project.update(on: db)
            if let own {
                try await own.record(by: project.companyId, on: db, now: now)
                return Outcome(value: project, events: [own])
            }
            let event = try await ProjectEvents.recordUpdated(project, on: db, now: now)
            return Outcome(value: project, events: event.map { [$0] } ?? [])
        }
    }

    static func apply(_ location: Location, to project: ProjectModel) {
        project.address = location.address
        project.city = location.city.trimmingWhitespace()
        project.state = location.state
        project.postalCode = location.postalCode.trimmingWhitespace()
        project.country = location.country ?? "US"
    }
}

import BidForgeCore
import Fluent
import Vapor

/// Who may open and read a thread: the one place these rules live.
enum ConversationAccess {
    /// The thread `id` names if the caller's company is one of its two parties; 404 otherwise.
    static func find(_ id: UUID?, caller: Caller, on db: any Database) async throws -> ConversationModel {
        guard let id, let conversation = try await ConversationModel.find(id, on: db),
            conversation.includes(caller.companyId)
        else {
            throw APIError.notFound("Conversation")
        }
        return conversation
    }

    /// The thread named by the route's `conversationID` (adapters).
    static func load(_ req: Request, caller: Caller) async throws -> ConversationModel {
        try await find(req.parameters.get("conversationID", as: UUID.self), caller: caller, on: req.db)
    }

    static func find(project: UUID, company: UUID, on db: any Database) async throws -> ConversationModel? {
        try await ConversationModel.query(on: db).filter(\.$projectId == project).filter(\.$companyId == company)
            .first()
    }

    /// The company on the other side of the thread the caller wants to open. A bidder's side is its own company
    /// (`companyId` omitted); the owner names a company that was invited to, or has bid on, the project.
    static func counterpart(
        of caller: Caller, relation: ProjectRelation, project: ProjectModel, requested: UUID?,
        on db: any Database
    ) async throws -> UUID {
        guard relation == .owner else {
            if let requested, requested != caller.companyId {
                throw APIError.validation("companyId", "omit it: your side of the thread is your own company")
            }
            guard caller.role.mayBid else {
                throw APIError.forbidden("Only contractors and subcontractors may message a project's owner.")
            }
            return caller.companyId
        }
        guard let requested else {
            throw APIError.validation("companyId", "is required: name the company to message")
        }
        guard requested != caller.companyId else {
            throw APIError.validation("companyId", "must be another company")
        }
        guard try await CompanyModel.find(requested, on: db) != nil else { throw APIError.notFound("Company") }
        let invited = try await ProjectAccess.isInvited(requested, to: (try project.requireID()), on: db)
        let bidding =
            try await BidPartitions.bids(of: project, on: db).filter(
                \.$companyId == requested
            ).first() != nil
        guard invited || bidding else {
            throw APIError.forbidden("You can message companies invited to, or bidding on, this project.")
        }
        return requested
    }
}

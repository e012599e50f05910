import BidForgeCore
import Fluent
import Vapor

/// A project's page, for whoever may see it: the facts and documents for everyone; questions for those who may ask or
/// answer; for the owner the actions, invitations, uploads and the leveling table; for a bidder the bid form, its bid
/// (revise, withdraw) and the result after the award. Every part is decided by the same rules as the API.
enum ProjectPageView {
    struct Page: Encodable, Sendable {
        let project: ProjectCard
        let isOwner: Bool
        let documents: [DocumentRow]
        let location: String
        let sealed: Bool
        /// Why the last action was refused (shown at the top).
        let notice: String?
        let actions: [Action]
        let editURL: String?
        let uploadLimit: String?
        let uploadURL: String
        let uploadNote: String
        /// Documents the owner's upload may replace.
        let replaceable: [DocumentRow]
        let questions: QuestionsSection?
        let invitations: InvitationsSection?
        let myBid: BidderSection.MyBid?
        let bidForm: BidderSection.Form?
        let leveling: LevelingContext?
        /// A bidder's way to write to the owner (a form that opens or reuses the thread).
        let messageOwner: Bool
    }

    struct DocumentRow: Encodable, Sendable {
        let url: String
        let thumbnailURL: String?
        let filename: String
        let title: String?
        let size: String
        let addendumNumber: Int?
        let id: String
        let superseded: Bool
        /// The owner's delete form (DRAFT projects only).
        let deleteURL: String?
    }

    struct Action: Encodable, Sendable {
        let url: String
        let label: String
        let style: String
        /// Asked before submitting (empty: no question).
        let confirm: String
    }

    /// What the form shows again after a refused submission, so nothing typed is lost.
    struct Retry: Sendable {
        var bidForm: BidderPagesController.BidForm?
        var question: String?
        var fieldErrors: [String: String] = [:]
    }

    static func render(
        _ req: Request, project projectId: UUID?, notice: String?, status: HTTPResponseStatus,
        retry: Retry = Retry()
    ) async throws -> Response {
        let user = try await WebSession.user(of: req)
        let caller = user?.caller
        let (project, relation) = try await ProjectAccess.find(projectId, caller: caller, on: req.db)
        if relation == .invited, let caller {
            try await InvitationActions.markViewedIfPending(
                projectId: try project.requireID(), companyId: caller.companyId,
                in: req.useCases)
        }
        let bidCount = try await ProjectAccess.bidCount(project, on: req.db)
        let manages = ProjectAccess.manages(relation, caller)
        var uploadLimit: String?
        if manages, project.status.acceptsDocuments,
            let company = try await CompanyModel.find(project.companyId, on: req.db)
        {
            uploadLimit = "\(company.plan.maxDocumentBytes / 1_000_000) MB"
        }
        let bidding = BidAccess.mayBid(relation, caller) ? caller : nil
        let myBid =
            try await bidding.asyncMap { try await BidderSection.myBid(of: $0, on: project, now: req.now, db: req.db) }
            ?? nil
        let documents = try await documents(of: project, manages: manages, on: req.db)
        let page = Page(
            project: ProjectCard(try ProjectDTO(project, bidCount: bidCount)), isOwner: relation == .owner,
            documents: documents,
            location: [project.city, project.state].filter { !$0.isEmpty }.joined(separator: ", "),
            sealed: project.sealed, notice: notice,
            actions: manages ? try actions(for: project) : [],
            editURL: manages && project.status.isEditable ? SiteURL.projectEdit(try project.requireID()) : nil,
            uploadLimit: uploadLimit, uploadURL: SiteURL.projectDocuments(try project.requireID()),
            uploadNote: "up to \(uploadLimit ?? "")"
                + (project.status == .open
                    ? "; on an open project each upload is an addendum and bidders are told" : ""),
            replaceable: manages && project.status.documentsMayBeReplaced ? documents.filter { !$0.superseded } : [],
            questions: try await QuestionsSection.build(
                project, relation: relation, caller: caller, retry: retry, db: req.db),
            invitations: manages ? try await InvitationsSection.build(project, req: req) : nil,
            myBid: myBid?.1,
            bidForm: try bidding == nil
                ? nil : BidderSection.form(for: project, myBid: myBid, retry: retry, now: req.now),
            leveling: manages && bidCount > 0 ? try await leveling(project, req: req) : nil,
            messageOwner: bidding != nil)
        return try await Pages.render(
            req, "project", title: project.title, page, status: status,
            canonical: SiteURL.project(try project.requireID()))
    }

    /// A refused bid or question: the project page again with the reason on top and what was typed still in the form.
    /// Anything else (404, 403, 500) is not the form's business and goes to `PageErrors`.
    static func refused(
        _ error: any Error, req: Request, project projectId: UUID?,
        retry: ProjectPageView.Retry = Retry()
    ) async throws -> Response {
        let notice: String
        let status: HTTPResponseStatus
        var problems: [String: String] = [:]
        switch error {
        case let errors as ValidationErrors:
            problems = errors.problems
            (notice, status) = (BidderPagesController.describe(problems), .badRequest)
        case let error as APIError where error.code == "VALIDATION_FAILED":
            // Field problems name the fields; any other refusal's details are data for clients, its message is for people.
            problems = (error.details ?? [:]).compactMapValues { if case .string(let text) = $0 { text } else { nil } }
            notice = problems.isEmpty ? error.message : BidderPagesController.describe(problems)
            status = error.status
        case let error as APIError where [.badRequest, .conflict, .paymentRequired].contains(error.status):
            (notice, status) = (error.message, error.status)
        default:
            throw error
        }
        var retry = retry
        retry.fieldErrors.merge(problems) { shown, _ in shown }
        return try await render(req, project: projectId, notice: notice, status: status, retry: retry)
    }

    static func documents(of project: ProjectModel, manages: Bool, on db: any Database) async throws -> [DocumentRow] {
        let documents = try await DocumentModel.query(on: db).filter(\.$projectId == project.requireID())
            .sort(\.$createdAt).sort(\.$id).limit(200).all()
        return try documents.map { d in
            let id = try d.requireID()
            return DocumentRow(
                url: SiteURL.document(id),
                thumbnailURL: d.derivatives == .ready ? SiteURL.document(id, variant: "thumbnail") : nil,
                filename: d.filename, title: d.title,
                size: ByteCountFormatter.string(fromByteCount: d.sizeBytes, countStyle: .decimal),
                addendumNumber: d.addendumNumber, id: id.lowercasedString, superseded: d.supersededAt != nil,
                deleteURL: manages && project.status.documentsMayBeDeleted ? SiteURL.documentDelete(id) : nil)
        }
    }

    static func actions(for project: ProjectModel) throws -> [Action] {
        let id = try project.requireID()
        var actions: [Action] = []
        if project.status.canMove(to: .open) {
            actions.append(Action(url: SiteURL.projectPublish(id), label: "Publish", style: "", confirm: ""))
        }
        if project.status.canMove(to: .closed) {
            actions.append(
                Action(
                    url: SiteURL.projectClose(id), label: "Close bidding", style: "",
                    confirm: "Close bidding now? No more bids can come in."))
        }
        if project.status.canMove(to: .cancelled) {
            actions.append(
                Action(
                    url: SiteURL.projectCancel(id), label: "Cancel project", style: "secondary",
                    confirm: "Cancel this project? Bidders will be told."))
        }
        return actions
    }

    /// The owner's side-by-side view of the live bids.
    struct LevelingContext: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let bidId: String
            let companyId: String
            let rank: Int
            let companyName: String
            let amount: String
            let amountCents: Int64
            let delta: String
            let missingTrades: String
            let exclusions: String
            let staleAddendum: Bool
            let won: Bool
        }
        let rows: [Row]
        /// "Awarded to … for …" once the project is AWARDED.
        let awarded: String?
        let sealedUntil: String?
        let csvURL: String
        let awardURL: String
        let mayAward: Bool
        let median: String
        let projectId: String
    }

    static func leveling(_ project: ProjectModel, req: Request) async throws -> LevelingContext {
        let sealed = BidAccess.hidesPrice(of: project, from: .owner, now: req.now)
        let sheet = sealed ? nil : try await LevelingSheets.sheet(for: project, on: req.db)
        let winner = project.awardedBidId.flatMap { id in sheet?.bids.first { UUID(uuidString: $0.bidId) == id } }
        return LevelingContext(
            rows: (sheet?.bids ?? []).map { row in
                .init(
                    bidId: row.bidId, companyId: row.companyId, rank: row.rank, companyName: row.companyName,
                    amount: PageFormats.money(row.amountCents), amountCents: row.amountCents,
                    delta: row.rank == 1 ? "lowest" : String(format: "+%.1f %%", row.deltaFromLowestPct),
                    missingTrades: row.missingTrades.map(PageFormats.trade).joined(separator: ", "),
                    exclusions: row.exclusions.joined(separator: "; "), staleAddendum: row.staleAddendum,
                    won: row.bidId == winner?.bidId)
            },
            awarded: winner.map {
                "Awarded to \($0.companyName) for \(PageFormats.money($0.amountCents)) (rank \($0.rank) of \(sheet?.bids.count ?? 0))."
            },
            sealedUntil: sealed ? PageFormats.utc(project.bidDueAt) : nil,
            csvURL: SiteURL.projectLevelingCSV(try project.requireID()),
            awardURL: SiteURL.projectAward(try project.requireID()),
            mayAward: project.status.canMove(to: .awarded), median: PageFormats.money(sheet?.stats.median),
            projectId: (try project.requireID()).lowercasedString)
    }
}

extension Optional {
    /// `map` for an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

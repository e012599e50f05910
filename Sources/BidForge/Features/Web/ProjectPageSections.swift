import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// Questions on a project page: the ones the viewer may see (as the API lists them), a form to ask for bidders while
/// the project is open, and an answer form under each unanswered question for the owner.
struct QuestionsSection: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        let id: String
        let body: String
        let answer: String?
        let askedAt: String
        let askedText: String
        let mine: Bool
        let answerURL: String?
    }

    let items: [Row]
    let askURL: String?
    let draft: String
    let error: String?

    static func build(
        _ project: ProjectModel, relation: ProjectRelation, caller: Caller?, retry: ProjectPageView.Retry,
        db: any Database
    ) async throws -> QuestionsSection? {
        let owner = ProjectAccess.manages(relation, caller)
        let mayAsk = QuestionActions.mayAsk(on: project, relation: relation, caller: caller)
        let rows = try await QuestionQueries.visible(on: project, relation: relation, caller: caller, db: db)
            .sort(\.$createdAt).sort(\.$id).limit(200).all()
        if rows.isEmpty && !mayAsk && !owner { return nil }
        return QuestionsSection(
            items: try rows.map { q in
                Row(
                    id: (try q.requireID()).uuidString.lowercased(), body: q.body, answer: q.answer,
                    askedAt: JSONCoding.formatDate(q.createdAt),
                    askedText: PageFormats.utc(q.createdAt), mine: q.companyId == caller?.companyId,
                    answerURL: owner && q.answeredAt == nil
                        ? SiteURL.questionAnswer(try q.requireID()) : nil)
            },
            askURL: mayAsk ? SiteURL.projectQuestions(try project.requireID()) : nil,
            draft: retry.question ?? "", error: retry.fieldErrors["question"])
    }
}

/// The owner's invitations panel: who is invited and how they answered, a search by company name, and "invite every
/// company matching these trades and states".
struct InvitationsSection: Encodable, Sendable {
    struct Row: Encodable, Sendable {
        let companyId: String
        let companyName: String
        let status: String
        let respondedAt: String?
        let respondedText: String?
    }

    struct Candidate: Encodable, Sendable {
        let id: String
        let name: String
        let trades: String
        let invited: Bool
    }

    let rows: [Row]
    let mayInvite: Bool
    let inviteURL: String
    let search: String
    let candidates: [Candidate]
    let searched: Bool
    let trades: [AccountPagesController.TradeOption]
    let states: [String]
    let projectState: String
    let projectId: String

    static let maxCandidates = 20

    static func build(_ project: ProjectModel, req: Request) async throws -> InvitationsSection {
        let invitations = try await InvitationModel.query(on: req.db).filter(\.$projectId == (try project.requireID()))
            .join(CompanyModel.self, on: \InvitationModel.$companyId == \CompanyModel.$id)
            .sort(\.$createdAt).sort(\.$id).limit(500).all()
        let rows = try invitations.map { invitation in
            Row(
                companyId: invitation.companyId.lowercasedString,
                companyName: try invitation.joined(CompanyModel.self).name,
                status: invitation.status.rawValue,
                respondedAt: invitation.respondedAt.map(JSONCoding.formatDate),
                respondedText: invitation.respondedAt.map(PageFormats.utc))
        }
        let search = (req.queryParameters["inviteSearch"] ?? "").trimmingCharacters(in: .whitespaces)
        var candidates: [Candidate] = []
        if !search.isEmpty {
            let invited = Set(invitations.map(\.companyId))
            candidates = try await CompanyQueries.named(
                containing: search, excluding: project.companyId, limit: Self.maxCandidates, on: req.db
            )
            .map {
                Candidate(
                    id: (try $0.requireID()).lowercasedString, name: $0.name,
                    trades: $0.trades.joined(separator: ", "), invited: invited.contains(try $0.requireID()))
            }
        }
        return InvitationsSection(
            rows: rows, mayInvite: InvitationActions.acceptsInvitations(project),
            inviteURL: SiteURL.projectInvitations(try project.requireID()), search: search,
            candidates: candidates, searched: !search.isEmpty,
            trades: Trades.all.map { .init(code: $0.code, name: $0.name, selected: project.trades.contains($0.code)) },
            states: USStates.codes.sorted(), projectState: project.state,
            projectId: (try project.requireID()).lowercasedString)
    }
}

/// A bidder's side of a project page: its bid (with revise and withdraw while bidding is open), the result once the
/// project is awarded, and the bid form (new, or prefilled for a revision).
enum BidderSection {
    struct MyBid: Encodable, Sendable {
        let bidId: String
        let amount: String
        let status: String
        let revision: Int
        let acknowledged: Int
        let latestAddendum: Int
        let staleAddendum: Bool
        let withdrawURL: String?
        /// After the award: whether this bid won, or where it ranked.
        let result: String?
        let won: Bool
    }

    struct LineRow: Encodable, Sendable {
        let index: Int
        let description: String
        let trades: [AccountPagesController.TradeOption]
        let quantity: String
        let unit: String
        let unitPrice: String
        /// Why the last post refused this line (shown under it, the price field marked invalid).
        var error: String? = nil
    }

    struct Form: Encodable, Sendable {
        let action: String
        let heading: String
        let submitLabel: String
        let rows: [LineRow]
        let exclusions: String
        let notes: String
        let addenda: [Int]
        let acknowledged: Int
        let latestAddendum: Int
        /// Why the last post refused the bid as a whole (no priced line, a total too large), shown above the lines.
        let error: String?
    }

    static func myBid(of caller: Caller, on project: ProjectModel, now: Date, db: any Database) async throws -> (
        BidModel, MyBid
    )? {
        guard
            let bid = try await BidPartitions.bids(of: project, on: db)
                .filter(\.$companyId == caller.companyId).sort(\.$createdAt, .descending).first()
        else { return nil }
        let open = BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: now)
        var result: String?
        if project.status == .awarded, bid.status == .accepted || bid.status == .rejected {
            result = try await outcome(of: bid, on: project, db: db)
        }
        return (
            bid,
            MyBid(
                bidId: (try bid.requireID()).uuidString.lowercased(), amount: PageFormats.money(bid.amountCents),
                status: bid.status.rawValue,
                revision: bid.revision, acknowledged: bid.acknowledgedAddendum, latestAddendum: project.addendumCount,
                // A prompt to revise, so only while a revision can still be sent.
                staleAddendum: open && bid.acknowledgedAddendum < project.addendumCount,
                withdrawURL: open && bid.status.canMove(to: .withdrawn)
                    ? SiteURL.bidWithdraw(try bid.requireID()) : nil,
                result: result, won: bid.status == .accepted)
        )
    }

    /// What the award notification told this bidder, worked out again from the bids the award ranked.
    static func outcome(of bid: BidModel, on project: ProjectModel, db: any Database) async throws -> String? {
        guard let winnerId = project.awardedBidId else { return nil }
        let ranked = try await BidPartitions.bids(of: project, on: db)
            .filter(\.$status ~~ [.accepted, .rejected]).all()
        guard
            let outcomes = try AwardOutcome.compute(
                liveBids: ranked.map {
                    .init(bidId: (try $0.requireID()).lowercasedString, amountCents: $0.amountCents)
                },
                winningBidId: winnerId.lowercasedString),
            let mine = try outcomes.first(where: { $0.bidId == (try bid.requireID()).lowercasedString })
        else { return nil }
        if mine.won { return "You won this project: your bid ranked \(mine.rank) of \(mine.bidCount)." }
        return "Awarded to another bidder. Your bid ranked \(mine.rank) of \(mine.bidCount), "
            + String(format: "%.1f %%", mine.aboveWinningPct) + " above the winning amount."
    }

    /// The form to bid (no live bid yet) or to revise the live one, while bidding is open.
    static func form(for project: ProjectModel, myBid: (BidModel, MyBid)?, retry: ProjectPageView.Retry, now: Date)
        throws -> Form?
    {
        guard BiddingWindow.isOpen(status: project.status, dueAt: project.bidDueAt, now: now) else { return nil }
        let existing = myBid.flatMap { $0.0.status == .submitted ? $0.0 : nil }
        func tradeOptions(_ selected: String) -> [AccountPagesController.TradeOption] {
            project.trades.map { code in
                .init(code: code, name: Trades.name(of: code) ?? code, selected: code == selected)
            }
        }
        var rows: [LineRow] = []
        var exclusions = "", notes = ""
        var acknowledged = project.addendumCount
        if let typed = retry.bidForm {
            let descriptions = typed.description ?? []
            func field(_ values: [String]?, _ index: Int) -> String {
                (values ?? []).indices.contains(index) ? values![index] : ""
            }
            rows = descriptions.indices.map { index in
                LineRow(
                    index: index + 1, description: descriptions[index], trades: tradeOptions(field(typed.trade, index)),
                    quantity: field(typed.quantity, index), unit: field(typed.unit, index),
                    unitPrice: field(typed.unitPrice, index))
            }
            exclusions = typed.exclusions ?? ""
            notes = typed.notes ?? ""
            acknowledged = typed.acknowledgedAddendum.flatMap(Int.init) ?? acknowledged
        } else if let existing {
            rows = try existing.lineItems.enumerated().map { index, item in
                LineRow(
                    index: index + 1, description: item.description, trades: tradeOptions(item.trade),
                    quantity: PageFormats.quantity(item.quantity), unit: item.unit,
                    unitPrice: PageFormats.dollars(item.unitPriceCents))
            }
            exclusions = try existing.exclusions.joined(separator: "\n")
            notes = existing.notes
            acknowledged = existing.acknowledgedAddendum
        }
        // Always room for a few more lines (the script is not needed to add one).
        let blanks = max(3 - rows.count, 1)
        for _ in 0..<blanks {
            rows.append(
                LineRow(
                    index: rows.count + 1, description: "", trades: tradeOptions(""), quantity: "", unit: "EA",
                    unitPrice: ""))
        }
        let action =
            try existing.map { SiteURL.bidRevise(try $0.requireID()) }
            ?? SiteURL.projectBids(try project.requireID())
        return Form(
            action: action,
            heading: existing == nil ? "Submit a bid" : "Revise your bid",
            submitLabel: existing == nil ? "Submit bid" : "Submit revision",
            rows: rows.map { row in
                var row = row
                row.error = retry.fieldErrors["line \(row.index)"]
                return row
            },
            exclusions: exclusions, notes: notes, addenda: Array(0...project.addendumCount),
            acknowledged: acknowledged, latestAddendum: project.addendumCount,
            error: retry.fieldErrors["lineItems"] ?? retry.fieldErrors["amountCents"])
    }
}

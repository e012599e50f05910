import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// The use cases on their own, without HTTP: the rules of a bid, the due time and the award, run against the database
/// (SQLite and PostgreSQL) through `UseCaseContext`, checking both the stored result and the typed events returned.
@Suite struct UseCaseTests {
    /// A company with one user, written straight to the database; the caller that user acts as.
    func company(_ t: TestApp, _ role: UserRole, name: String = "Co \(UUID().uuidString.prefix(6))") async throws
        -> Caller
    {
        let now = t.clock.now
        let company = CompanyModel(name: name, trades: ["03", "09"], states: ["TX"], plan: .enterprise, now: now)
        try await company.create(on: t.app.db)
        let user = UserModel(
            companyId: try company.requireID(), email: "\(UUID().uuidString)@example.com", passwordHash: "x",
            name: "\(role.rawValue.capitalized) \(name)", role: role, companyRole: .admin, now: now)
        try await user.create(on: t.app.db)
        return Caller(userId: try user.requireID(), companyId: try company.requireID(), role: role)
    }

    func openProject(_ t: TestApp, by owner: Caller, dueIn hours: Double = 48, sealed: Bool = false) async throws
        -> UUID
    {
        let input = ProjectInput(
            title: "Clinic fit-out", description: "Two floors", visibility: .public, sealed: sealed,
            trades: ["03"],
            location: Location(address: nil, city: "Austin", state: "TX", postalCode: "78701", country: nil),
            budgetMinCents: nil, budgetMaxCents: nil, bidDueAt: t.clock.now.addingTimeInterval(hours * 3600))
        let project = try await ProjectActions.create(input, by: owner, in: t.app.useCases).value
        _ = try await ProjectActions.publish(project.requireID(), by: owner, in: t.app.useCases)
        return try project.requireID()
    }

    func input(_ cents: Int64) -> BidInput {
        BidInput(
            amountCents: cents, currency: "USD", notes: nil,
            lineItems: [
                LineItem(
                    description: "Concrete", trade: "03", quantity: 1, unit: "LS", unitPriceCents: cents,
                    totalCents: cents)
            ],
            exclusions: ["Permits"], acknowledgedAddendum: 0, validUntil: nil)
    }

    func refusal(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as APIError {
            return error.code
        } catch is ValidationErrors {
            return "VALIDATION_FAILED"
        } catch {
            return "\(error)"
        }
    }

    @Test func aBidsRulesAndEvents() async throws {
        try await TestApp.run { t in
            let owner = try await company(t, .owner, name: "Owner Co")
            let bidder = try await company(t, .subcontractor, name: "Bidder Co")
            let project = try await openProject(t, by: owner)
            let ctx = t.app.useCases

            #expect(
                await refusal { _ = try await BidActions.submit(input(1_000), to: project, by: owner, in: ctx) }
                    == "FORBIDDEN")
            #expect(
                await refusal { _ = try await BidActions.submit(input(0), to: project, by: bidder, in: ctx) }
                    == "VALIDATION_FAILED")
            #expect(
                await refusal { _ = try await BidActions.submit(input(1_000), to: UUID(), by: bidder, in: ctx) }
                    == "NOT_FOUND")

            let placed = try await BidActions.submit(input(150_000), to: project, by: bidder, in: ctx)
            let bidId = try placed.value.bid.requireID()
            #expect(
                placed.events == [
                    .bidSubmitted(
                        BidSubmitted(
                            projectId: project, projectTitle: "Clinic fit-out", ownerCompanyId: owner.companyId,
                            bidId: bidId,
                            bidderCompanyId: bidder.companyId, bidderName: "Bidder Co"))
                ])
            #expect(placed.events.first?.payload.notifications.first?.companyIds == [owner.companyId])
            #expect(
                await refusal { _ = try await BidActions.submit(input(140_000), to: project, by: bidder, in: ctx) }
                    == "BID_EXISTS")

            let revised = try await BidActions.revise(
                bidId, with: BidPatch(amountCents: 140_000, lineItems: input(140_000).lineItems),
                by: bidder, in: ctx)
            #expect(revised.value.bid.revision == 2 && revised.value.bid.amountCents == 140_000)
            guard case .bidRevised(let event)? = revised.events.first else {
                Issue.record("no bid.revised event")
                return
            }
            #expect(event.revision == 2)
            #expect(
                await refusal { _ = try await BidActions.revise(bidId, with: BidPatch(notes: "x"), by: owner, in: ctx) }
                    == "FORBIDDEN")

            let withdrawn = try await BidActions.withdraw(bidId, by: bidder, in: ctx)
            #expect(withdrawn.value.bid.status == .withdrawn)
            #expect(
                await refusal { _ = try await BidActions.withdraw(bidId, by: bidder, in: ctx) } == "INVALID_TRANSITION")
            // The recorded rows are the returned events, in order.
            let stored = try await OutboxEventModel.query(on: t.app.db).sort(\.$id).all().map(\.type)
            #expect(Array(stored.suffix(3)) == ["bid.submitted", "bid.revised", "bid.withdrawn"])
        }
    }

    @Test func dueTimeRules() async throws {
        try await TestApp.run { t in
            let owner = try await company(t, .owner)
            let bidder = try await company(t, .contractor)
            let project = try await openProject(t, by: owner, dueIn: 24)
            let ctx = t.app.useCases
            _ = try await BidActions.submit(input(90_000), to: project, by: bidder, in: ctx)

            let earlier = t.clock.now.addingTimeInterval(12 * 3600)
            #expect(
                await refusal {
                    _ = try await ProjectActions.update(
                        project, with: ProjectPatch(movingDueTo: earlier), by: owner, in: ctx)
                } == "DUE_TIME_LOCKED")
            let later = t.clock.now.addingTimeInterval(36 * 3600)
            let moved = try await ProjectActions.update(
                project, with: ProjectPatch(movingDueTo: later), by: owner, in: ctx)
            guard case .projectUpdated(let update)? = moved.events.first else {
                Issue.record("no project.updated event")
                return
            }
            #expect(update.audience == [bidder.companyId] && update.bidDueAt == later)
            #expect(update.previousBidDueAt == t.clock.now.addingTimeInterval(24 * 3600))
            #expect(update.notifications.map(\.type) == [.bidDueChanged])

            t.clock.advance(by: 37 * 3600)
            let other = try await company(t, .subcontractor)
            #expect(
                await refusal { _ = try await BidActions.submit(input(80_000), to: project, by: other, in: ctx) }
                    == "BIDDING_CLOSED")
            #expect(
                await refusal {
                    _ = try await ProjectActions.update(
                        project, with: ProjectPatch(movingDueTo: t.clock.now.addingTimeInterval(3600)),
                        by: owner, in: ctx)
                } == "DUE_TIME_LOCKED")
        }
    }

    @Test func awardOutcomes() async throws {
        try await TestApp.run { t in
            let owner = try await company(t, .owner)
            let bidders = [
                try await company(t, .subcontractor), try await company(t, .subcontractor),
                try await company(t, .contractor)
            ]
            let onlyInvited = try await company(t, .subcontractor)
            let project = try await openProject(t, by: owner)
            let ctx = t.app.useCases
            try await InvitationModel(
                projectId: project, companyId: onlyInvited.companyId, ownerCompanyId: owner.companyId, now: t.clock.now
            )
            .create(on: t.app.db)
            var bids: [UUID] = []
            for (bidder, cents) in zip(bidders, [100_000, 120_000, 90_000] as [Int64]) {
                bids.append(
                    try await BidActions.submit(input(cents), to: project, by: bidder, in: ctx).value.bid.requireID())
            }
            #expect(
                await refusal { _ = try await ProjectActions.award(project, bidId: bids[0], by: owner, in: ctx) }
                    == "INVALID_TRANSITION")
            _ = try await ProjectActions.close(project, by: owner, in: ctx)
            #expect(
                await refusal { _ = try await ProjectActions.award(project, bidId: UUID(), by: owner, in: ctx) }
                    == "NOT_FOUND")
            #expect(
                await refusal { _ = try await ProjectActions.award(project, bidId: bids[0], by: bidders[0], in: ctx) }
                    == "FORBIDDEN", "a bidder sees the public project but may not manage it")

            let awarded = try await ProjectActions.award(project, bidId: bids[0], by: owner, in: ctx)
            #expect(awarded.value.project.status == .awarded && awarded.value.liveBids == 3)
            guard case .projectAwarded(let event)? = awarded.events.first else {
                Issue.record("no project.awarded event")
                return
            }
            let byCompany = Dictionary(uniqueKeysWithValues: event.outcomes.map { ($0.companyId, $0) })
            #expect(byCompany[bidders[0].companyId]?.won == true)
            #expect(
                byCompany[bidders[1].companyId]?.rank == 3 && byCompany[bidders[1].companyId]?.aboveWinningPct == 20)
            #expect(byCompany[bidders[2].companyId]?.rank == 1 && byCompany[bidders[2].companyId]?.won == false)
            #expect(event.invitedWithoutBid == [onlyInvited.companyId])
            #expect(Set(event.notifications.map(\.type)) == [.bidAccepted, .bidRejected, .projectAwarded])
            var statuses: [UUID: BidStatus] = [:]
            for bid in try await BidModel.query(on: t.app.db).filter(\.$projectId == project).all() {
                statuses[try bid.requireID()] = bid.status
            }
            #expect(statuses == [bids[0]: .accepted, bids[1]: .rejected, bids[2]: .rejected])
        }
    }

    /// The outbox stores events by wire name; each one decodes to itself, and an event stored by the version before
    /// typed events still gives the notifications and pushes it was recorded with.
    @Test func eventsRoundTripAndEarlierPayloadsStillDispatch() throws {
        let project = UUID(), owner = UUID(), bidder = UUID(), bid = UUID()
        let events: [DomainEvent] = [
            .bidSubmitted(
                BidSubmitted(
                    projectId: project, projectTitle: "P", ownerCompanyId: owner, bidId: bid, bidderCompanyId: bidder,
                    bidderName: "B")),
            .projectUpdated(
                ProjectUpdated(
                    projectId: project, projectTitle: "P", status: .closed,
                    bidDueAt: Date(timeIntervalSince1970: 1_800_000_000),
                    previousBidDueAt: nil, audience: [bidder])),
            .bidDueSoon(
                BidDueSoon(
                    projectId: project, projectTitle: "P", bidDueAt: Date(timeIntervalSince1970: 1_800_000_000),
                    companies: [bidder]))
        ]
        for event in events {
            let stored = try JSONColumn.encode(event)
            #expect(try JSONColumn.decode(DomainEvent.self, stored) == event)
            #expect(stored.contains("\"type\":\"\(event.wireName)\""))
        }
        let earlier = """
            {"type":"bid.submitted","data":{"projectId":"\(project.lowercasedString)"},"notifications":[{"companyIds":["\(owner.lowercasedString)"],
            "type":"BID_SUBMITTED","title":"New bid","body":"B submitted a bid.","data":{}}],"push":[{"type":"bid.submitted","companyIds":["\(owner.lowercasedString)"]}]}
            """
        let decoded = try JSONColumn.decode(DomainEvent.self, earlier)
        #expect(decoded.wireName == "bid.submitted")
        #expect(decoded.payload.notifications.map(\.title) == ["New bid"])
        #expect(
            try decoded.payload.pushes == [
                Push(
                    type: "bid.submitted", companyIds: [owner],
                    data: .object(["projectId": .string(project.lowercasedString)]))
            ])
        #expect(throws: JSONColumn.Corrupt.self) {
            try JSONColumn.decode(DomainEvent.self, "{\"type\":\"bid.exploded\",\"event\":{}}")
        }
    }
}

extension ProjectPatch {
    /// A patch that only moves the due time.
    init(movingDueTo due: Date) {
        self.init(
            replacingWith: ProjectInput(
                title: "", location: Location(city: "", state: "", postalCode: ""), bidDueAt: due))
        title = nil
        description = nil
        visibility = nil
        sealed = nil
        trades = nil
        location = nil
        budgetMinCents = nil
        budgetMaxCents = nil
    }
}

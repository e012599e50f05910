import Foundation
import Testing

@testable import BidForgeCore

@Suite struct ProjectStatusTests {
    @Test func allowedMoves() {
        let allowed: Set<String> = [
            "DRAFT>OPEN", "OPEN>CLOSED", "CLOSED>AWARDED", "DRAFT>CANCELLED", "OPEN>CANCELLED", "CLOSED>CANCELLED"
        ]
        for from in ProjectStatus.allCases {
            for to in ProjectStatus.allCases {
                #expect(from.canMove(to: to) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test func editableOnlyWhileDraftOrOpen() {
        #expect(ProjectStatus.allCases.filter(\.isEditable) == [.draft, .open])
    }
}

@Suite struct BidStatusTests {
    @Test func onlySubmittedBidsMove() {
        for from in BidStatus.allCases {
            for to in BidStatus.allCases {
                #expect(from.canMove(to: to) == (from == .submitted && to != .submitted))
            }
        }
        #expect(BidStatus.submitted.isRevisable)
        #expect(!BidStatus.withdrawn.isRevisable)
        #expect(!BidStatus.withdrawn.isLive && BidStatus.rejected.isLive)
    }
}

@Suite struct RoleTests {
    @Test func whoPostsAndWhoBids() {
        #expect(UserRole.allCases.filter(\.mayPostProjects) == [.owner, .contractor])
        #expect(UserRole.allCases.filter(\.mayBid) == [.contractor, .subcontractor])
        #expect(!UserRole.selfAssignable.contains(.admin))
    }
}

@Suite struct PlanTests {
    @Test func limitsPerPlan() {
        #expect(Plan.free.maxOpenProjects == 3)
        #expect(Plan.pro.maxOpenProjects == 50)
        #expect(Plan.enterprise.maxOpenProjects == nil)
        #expect(Plan.free.maxBidsPerMonth == 10)
        #expect(Plan.pro.maxBidsPerMonth == nil)
        #expect(Plan.free.maxDocumentBytes == 25_000_000)
        #expect(Plan.pro.maxDocumentBytes == 100_000_000)
        #expect(Plan.enterprise.maxDocumentBytes == 1_000_000_000)
    }

    @Test func oneMoreIsRefusedAtTheLimit() throws {
        try PlanLimits.checkOneMore(plan: .free, limit: 3, used: 2, resource: "open projects")
        #expect(throws: PlanLimitExceeded(plan: .free, limit: 3, used: 3, resource: "open projects")) {
            try PlanLimits.checkOneMore(plan: .free, limit: 3, used: 3, resource: "open projects")
        }
        try PlanLimits.checkOneMore(plan: .enterprise, limit: nil, used: 1_000_000, resource: "open projects")
    }
}

@Suite struct PagingTests {
    @Test func defaultsAndClamp() throws {
        let d = try Paging(page: nil, limit: nil)
        #expect(d.page == 1 && d.limit == 20 && d.offset == 0)
        let big = try Paging(page: 3, limit: 100_000)
        #expect(big.limit == 100 && big.offset == 200)
    }

    @Test func refusesNonsense() {
        #expect(throws: ValidationErrors.self) { try Paging(page: -1, limit: nil) }
        #expect(throws: ValidationErrors.self) { try Paging(page: 0, limit: nil) }
        #expect(throws: ValidationErrors.self) { try Paging(page: 1, limit: 0) }
    }
}

@Suite struct BiddingWindowTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    func at(_ hours: Double) -> Date { now.addingTimeInterval(hours * 3600) }

    @Test func bidsAreTakenOnlyWhileOpenAndBeforeTheDueTime() {
        #expect(BiddingWindow.isOpen(status: .open, dueAt: at(1), now: now))
        #expect(!BiddingWindow.isOpen(status: .open, dueAt: now, now: now))
        #expect(!BiddingWindow.isOpen(status: .closed, dueAt: at(1), now: now))
        #expect(!BiddingWindow.isOpen(status: .draft, dueAt: at(1), now: now))
    }

    @Test func aPassedDueTimeNeverMovesAndBidsOnlyLetItMoveLater() {
        // The proven attack: shorten to seconds from now, wait, read every price, move it hours later.
        #expect(BiddingWindow.refusal(moving: at(-0.01), to: at(5), status: .open, hasBids: true, now: now) == .passed)
        #expect(BiddingWindow.refusal(moving: at(-0.01), to: at(5), status: .open, hasBids: false, now: now) == .passed)
        #expect(
            BiddingWindow.refusal(moving: at(24), to: at(1), status: .open, hasBids: true, now: now) == .earlierWithBids
        )
        #expect(BiddingWindow.refusal(moving: at(24), to: at(1), status: .open, hasBids: false, now: now) == nil)
        #expect(BiddingWindow.refusal(moving: at(24), to: at(48), status: .open, hasBids: true, now: now) == nil)
        #expect(
            BiddingWindow.refusal(moving: at(24), to: at(-1), status: .open, hasBids: false, now: now) == .notInFuture)
        #expect(
            BiddingWindow.refusal(moving: at(-5), to: at(-5), status: .open, hasBids: true, now: now) == nil,
            "unchanged")
        #expect(
            BiddingWindow.refusal(moving: at(-5), to: at(2), status: .draft, hasBids: false, now: now) == nil,
            "drafts are free")
    }
}

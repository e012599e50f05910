import BidForgeCore
import Foundation

/// A bid came in: the posting company is told and its open pages update.
struct BidSubmitted: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let bidId: UUID
    let bidderCompanyId: UUID
    let bidderName: String

    var data: [String: JSONValue] {
        [
            "projectId": .string(projectId.lowercasedString), "bidId": .string(bidId.lowercasedString),
            "companyId": .string(bidderCompanyId.lowercasedString)
        ]
    }

    var notifications: [NotificationDraft] {
        [
            NotificationDraft(
                companyIds: [ownerCompanyId], type: .bidSubmitted, title: "New bid on \(projectTitle)",
                body: "\(bidderName) submitted a bid.", data: data)
        ]
    }

    var pushes: [Push] { [Push(type: "bid.submitted", companyIds: [ownerCompanyId], data: .object(data))] }

    var cacheScopes: [String] {
        [CacheScope.project(projectId), CacheScope.analytics(ownerCompanyId), CacheScope.analytics(bidderCompanyId)]
    }
}

/// A bidder revised its bid (a new revision number).
struct BidRevised: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let bidId: UUID
    let bidderCompanyId: UUID
    let revision: Int

    var notifications: [NotificationDraft] {
        let data: [String: JSONValue] = [
            "projectId": .string(projectId.lowercasedString),
            "bidId": .string(bidId.lowercasedString), "revision": .int(Int64(revision))
        ]
        return [
            NotificationDraft(
                companyIds: [ownerCompanyId], type: .bidRevised, title: "Bid revised on \(projectTitle)",
                body: "A bidder revised its bid (revision \(revision)).", data: data)
        ]
    }

    var cacheScopes: [String] {
        [CacheScope.project(projectId), CacheScope.analytics(ownerCompanyId), CacheScope.analytics(bidderCompanyId)]
    }
}

/// A bidder withdrew its bid.
struct BidWithdrawn: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let bidId: UUID
    let bidderCompanyId: UUID

    var notifications: [NotificationDraft] {
        let data: [String: JSONValue] = [
            "projectId": .string(projectId.lowercasedString), "bidId": .string(bidId.lowercasedString)
        ]
        return [
            NotificationDraft(
                companyIds: [ownerCompanyId], type: .bidWithdrawn, title: "Bid withdrawn on \(projectTitle)",
                body: "A bidder withdrew its bid.", data: data)
        ]
    }

    var cacheScopes: [String] {
        [CacheScope.project(projectId), CacheScope.analytics(ownerCompanyId), CacheScope.analytics(bidderCompanyId)]
    }
}

/// A project was awarded: the winner, every other live bidder (with its rank) and the companies invited without
/// bidding are told.
struct ProjectAwarded: EventPayload {
    struct Outcome: Codable, Sendable, Equatable {
        let companyId: UUID
        let bidId: UUID
        let won: Bool
        let rank: Int
        let bidCount: Int
        let aboveWinningPct: Double
    }

    let projectId: UUID
    let projectTitle: String
    let ownerCompanyId: UUID
    let awardedBidId: UUID
    let outcomes: [Outcome]
    let invitedWithoutBid: [UUID]

    var notifications: [NotificationDraft] {
        let project = JSONValue.string(projectId.lowercasedString)
        var drafts = outcomes.map { outcome in
            let bid = JSONValue.string(outcome.bidId.lowercasedString)
            if outcome.won {
                return NotificationDraft(
                    companyIds: [outcome.companyId], type: .bidAccepted, title: "You won \(projectTitle)",
                    body: "Your bid was accepted.",
                    data: ["projectId": project, "bidId": bid, "bidCount": .int(Int64(outcome.bidCount))])
            }
            return NotificationDraft(
                companyIds: [outcome.companyId], type: .bidRejected,
                title: "\(projectTitle) was awarded to another bidder",
                body:
                    "Your bid ranked \(outcome.rank) of \(outcome.bidCount), \(outcome.aboveWinningPct)% above the winning amount.",
                data: [
                    "projectId": project, "bidId": bid, "rank": .int(Int64(outcome.rank)),
                    "bidCount": .int(Int64(outcome.bidCount)), "aboveWinningPct": .double(outcome.aboveWinningPct)
                ])
        }
        if !invitedWithoutBid.isEmpty {
            drafts.append(
                NotificationDraft(
                    companyIds: invitedWithoutBid, type: .projectAwarded, title: "\(projectTitle) has been awarded",
                    body: "The project you were invited to has been awarded.", data: ["projectId": project]))
        }
        return drafts
    }

    /// Everyone told about the award.
    var audience: [UUID] {
        Array(Set(outcomes.map(\.companyId) + invitedWithoutBid)).sorted { $0.uuidString < $1.uuidString }
    }

    var pushes: [Push] {
        let data: JSONValue = .object([
            "projectId": .string(projectId.lowercasedString), "status": .string(ProjectStatus.awarded.rawValue),
            "awardedBidId": .string(awardedBidId.lowercasedString)
        ])
        return [Push(type: "project.updated", companyIds: audience, data: data)]
    }

    var cacheScopes: [String] {
        [CacheScope.project(projectId), CacheScope.listings] + (audience + [ownerCompanyId]).map(CacheScope.analytics)
    }
}

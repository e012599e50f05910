import BidForgeCore
import Foundation

/// 24 hours before the due time, each invited company that has neither bid nor declined is reminded, once.
struct BidDueSoon: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let bidDueAt: Date
    let companies: [UUID]

    var notifications: [NotificationDraft] {
        let data: [String: JSONValue] = [
            "projectId": .string(projectId.lowercasedString),
            "bidDueAt": .string(JSONCoding.formatDate(bidDueAt))
        ]
        return [
            NotificationDraft(
                companyIds: companies, type: .bidDueSoon, title: "Bids due within 24 hours: \(projectTitle)",
                body: "Bids for \(projectTitle) close at \(HumanTime.utc(bidDueAt)). You have not bid yet.", data: data)
        ]
    }

    var cacheScopes: [String] { [CacheScope.project(projectId)] }
}

import Foundation

/// A document uploaded to an OPEN project: every company invited or bidding is told to review it.
struct AddendumIssued: EventPayload {
    let projectId: UUID
    let projectTitle: String
    let documentId: UUID
    let addendumNumber: Int
    let filename: String
    let documentTitle: String?
    let audience: [UUID]

    var data: [String: JSONValue] {
        [
            "projectId": .string(projectId.lowercasedString), "documentId": .string(documentId.lowercasedString),
            "addendumNumber": .int(Int64(addendumNumber)), "filename": .string(filename)
        ]
    }

    var notifications: [NotificationDraft] {
        [
            NotificationDraft(
                companyIds: audience, type: .addendumIssued,
                title: "Addendum \(addendumNumber) issued on \(projectTitle)",
                body:
                    "\(documentTitle ?? filename) was added. Review it and acknowledge addendum \(addendumNumber) in your bid.",
                data: data)
        ]
    }

    var pushes: [Push] { [Push(type: "addendum.issued", companyIds: audience, data: .object(data))] }

    var cacheScopes: [String] { [CacheScope.project(projectId)] }
}

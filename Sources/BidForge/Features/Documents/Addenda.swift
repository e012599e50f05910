import Vapor
import Fluent
import BidForgeCore

/// A document uploaded to an OPEN project is an addendum: the project's count goes up by one in the same transaction
/// as the document row, and every company invited or bidding is told (`ADDENDUM_ISSUED`). Bids then say which
/// addendum they priced; leveling flags those behind.
enum Addenda {
    static func recordUpload(id: UUID, projectId: UUID, caller: Caller, received: ReceivedUpload, title: String?,
                             key: String, req: Request) async throws -> DocumentModel {
        let now = req.now
        return try await req.write { db -> DocumentModel in
            try await db.lockForUpdate("projects", id: projectId)
            guard let project = try await ProjectModel.find(projectId, on: db) else { throw APIError.notFound("Project") }
            guard project.status.acceptsDocuments else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "upload documents")
            }
            let document = DocumentModel()
            document.id = id
            document.projectId = projectId
            document.companyId = project.companyId
            document.uploadedBy = caller.userId
            document.filename = received.filename
            document.title = title
            document.contentType = received.kind.contentType
            document.sizeBytes = received.sizeBytes
            document.sha256 = received.sha256
            document.storageKey = key
            document.derivatives = received.kind.isImage ? .pending : .none
            document.derivativeAttempts = 0
            document.createdAt = now
            if project.status == .open {
                project.addendumCount += 1
                project.updatedAt = now
                try await project.update(on: db)
                document.addendumNumber = project.addendumCount
            }
            try await document.create(on: db)
            if let number = document.addendumNumber {
                try await announce(number, document: document, project: project, by: caller, on: db, now: now)
            }
            return document
        }
    }

    private static func announce(_ number: Int, document: DocumentModel, project: ProjectModel, by caller: Caller,
                                 on db: any Database, now: Date) async throws {
        let audience = Array(try await QuestionsController.projectAudience(project.id!, on: db))
        guard !audience.isEmpty else { return }
        let data: [String: JSONValue] = [
            "projectId": .string(project.id!.lowercasedString), "documentId": .string(document.id!.lowercasedString),
            "addendumNumber": .int(Int64(number)), "filename": .string(document.filename),
        ]
        try await Outbox.record(DomainEvent(
            type: .addendumIssued, data: data,
            notifications: [NotificationDraft(
                companyIds: audience, type: .addendumIssued, title: "Addendum \(number) issued on \(project.title)",
                body: "\(document.title ?? document.filename) was added. Review it and acknowledge addendum \(number) in your bid.",
                data: data)],
            push: [Push(type: "addendum.issued", companyIds: audience)]), by: caller.companyId, on: db, now: now)
    }
}

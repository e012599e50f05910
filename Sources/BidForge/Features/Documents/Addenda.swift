import BidForgeCore
import Fluent
import Vapor

/// A document uploaded to an OPEN project is an addendum: the project's count goes up by one in the same transaction
/// as the document row, and every company invited or bidding is told (`ADDENDUM_ISSUED`). Bids then say which
/// addendum they priced; leveling flags those behind.
enum Addenda {
    /// The committed document, and the pending-object rows of files to delete now (a replaced draft document's).
    struct Recorded {
        let document: DocumentModel
        let removedObjects: [UUID]
    }

    /// Records an uploaded file as a document. `replaces`: on a DRAFT project the old document goes; on an OPEN one the
    /// new document is an addendum and the old one stays, marked superseded, since bidders may have priced it.
    static func recordUpload(
        id: UUID, projectId: UUID, caller: Caller, received: ReceivedUpload, title: String?,
        replaces: UUID?, key: String, req: Request
    ) async throws -> Recorded {
        let now = req.now
        return try await req.write { db -> Recorded in
            try await db.lockForUpdate("projects", id: projectId)
            guard let project = try await ProjectModel.find(projectId, on: db) else {
                throw APIError.notFound("Project")
            }
            guard project.status.acceptsDocuments else {
                throw APIError.invalidTransition(from: project.status.rawValue, action: "upload documents")
            }
            // The object is owned from here: the row that named it as pending goes in the same transaction.
            try await PendingUploadModel.query(on: db).filter(\.$id == id).delete()
            var removedObjects: [UUID] = []
            if let replaces {
                guard let old = try await DocumentModel.find(replaces, on: db), old.projectId == projectId,
                    old.supersededAt == nil
                else {
                    throw APIError.validation("replaces", "must be the id of a current document of this project")
                }
                guard project.status.documentsMayBeReplaced else {
                    throw APIError.invalidTransition(from: project.status.rawValue, action: "replace documents")
                }
                if project.status.documentsMayBeDeleted {
                    removedObjects = try await remove(old, on: db, now: now)
                } else {
                    old.supersededAt = now
                    try await old.update(on: db)
                }
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
            document.replacesId = replaces
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
            return Recorded(document: document, removedObjects: removedObjects)
        }
    }

    /// Deletes a (draft) document's row and its download log, and names its stored files for deletion.
    static func remove(_ document: DocumentModel, on db: any Database, now: Date) async throws -> [UUID] {
        let id = try document.requireID()
        try await DocumentDownloadModel.query(on: db).filter(\.$documentId == id).delete()
        try await document.delete(on: db)
        return try await StoredObjectCleanup.mark(document.storageKeys, on: db, now: now)
    }

    private static func announce(
        _ number: Int, document: DocumentModel, project: ProjectModel, by caller: Caller,
        on db: any Database, now: Date
    ) async throws {
        let audience = try await ProjectQueries.audience(of: try project.requireID(), includingWithdrawn: true, on: db)
        guard !audience.isEmpty else { return }
        try await DomainEvent.addendumIssued(
            AddendumIssued(
                projectId: try project.requireID(), projectTitle: project.title, documentId: try document.requireID(),
                addendumNumber: number, filename: document.filename, documentTitle: document.title,
                audience: audience.sorted { $0.uuidString < $1.uuidString })
        ).record(by: caller.companyId, on: db, now: now)
    }
}

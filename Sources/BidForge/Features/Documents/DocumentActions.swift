import BidForgeCore
import Fluent
import Vapor

/// Recording an uploaded document and deleting one. A document uploaded to an OPEN project is an addendum: the
/// project's count goes up by one in the same transaction as the document row, and every company invited or bidding
/// is told (`ADDENDUM_ISSUED`). Bids then say which addendum they priced; leveling flags those behind.
enum DocumentActions {
    /// The committed document, and the pending-object rows of files to delete now (a replaced draft document's).
    struct Recorded: @unchecked Sendable {
        let document: DocumentModel
        let removedObjects: [UUID]
        let events: [DomainEvent]
    }

    /// Records an uploaded file (already stored under `key`) as a document of a project the caller's company owns.
    /// `replaces`: on a DRAFT project the old document goes; on an OPEN one the new document is an addendum and the
    /// old one stays, marked superseded, since bidders may have priced it.
    static func record(
        _ received: ReceivedUpload, as id: UUID, storedAt key: String, title: String?, replacing replaces: UUID?,
        on projectId: UUID, by caller: Caller, in context: UseCaseContext
    ) async throws -> Outcome<DocumentModel> {
        _ = try await ProjectAccess.findOwned(projectId, caller: caller, on: context.db)
        let now = context.now
        let recorded = try await context.write { db -> Recorded in
            guard let project = try await db.locked(ProjectModel.self, id: projectId) else {
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
            var events: [DomainEvent] = []
            if let number = document.addendumNumber,
                let event = try await announce(
                    number, document: document, project: project, by: caller, on: db, now: now)
            {
                events.append(event)
            }
            return Recorded(document: document, removedObjects: removedObjects, events: events)
        }
        if recorded.document.derivatives == .pending { context.host.nudgeDerivatives() }
        try await context.host.sweepStoredObjects(recorded.removedObjects, now: now)
        return Outcome(value: recorded.document, events: recorded.events)
    }

    /// Deletes a document of a DRAFT project (its owner company's posting roles). Once bidders may have priced it
    /// (OPEN), a document is replaced by an addendum instead, and after that the document set is the record.
    /// Returns the project the document belonged to.
    static func delete(_ id: UUID?, by caller: Caller, in context: UseCaseContext) async throws -> Outcome<UUID> {
        let now = context.now
        let (projectId, removed) = try await context.write { db -> (UUID, [UUID]) in
            let document = try await ownedDocument(id, by: caller, on: db)
            guard caller.role.mayPostProjects else {
                throw APIError.forbidden("Only owners and contractors manage documents.")
            }
            guard let project = try await db.locked(ProjectModel.self, id: document.projectId) else {
                throw APIError.notFound("Document")
            }
            guard project.status.documentsMayBeDeleted else {
                throw APIError(
                    .conflict, "INVALID_TRANSITION",
                    project.status == .open
                        ? "Bidders may have priced this document: upload its replacement (an addendum) instead of deleting it."
                        : "The project's documents are its record once bidding has closed.",
                    details: ["status": .string(project.status.rawValue), "action": "delete documents"])
            }
            return (document.projectId, try await remove(document, on: db, now: now))
        }
        try await context.host.sweepStoredObjects(removed, now: now)
        return Outcome(value: projectId, events: [])
    }

    /// A document of the caller's company's projects; 404 for anyone else's (its own files are all a company manages).
    static func ownedDocument(_ id: UUID?, by caller: Caller, on db: any Database) async throws -> DocumentModel {
        guard let id, let document = try await DocumentModel.find(id, on: db), document.companyId == caller.companyId
        else {
            throw APIError.notFound("Document")
        }
        return document
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
    ) async throws -> DomainEvent? {
        let audience = try await ProjectQueries.audience(of: try project.requireID(), includingWithdrawn: true, on: db)
        guard !audience.isEmpty else { return nil }
        let event = DomainEvent.addendumIssued(
            AddendumIssued(
                projectId: try project.requireID(), projectTitle: project.title, documentId: try document.requireID(),
                addendumNumber: number, filename: document.filename, documentTitle: document.title,
                audience: audience.sorted { $0.uuidString < $1.uuidString }))
        try await event.record(by: caller.companyId, on: db, now: now)
        return event
    }
}

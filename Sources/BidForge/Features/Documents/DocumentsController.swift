import BidForgeCore
import Fluent
import Vapor

/// Plans and specs: upload (an addendum when the project is OPEN), list, download, and the owner's activity view.
struct DocumentsController: RouteCollection {
    static let maxTitle = 200

    func boot(routes: any RoutesBuilder) throws {
        routes.authedStreaming(.POST, "projects", ":projectID", "documents", use: upload)
        routes.get("projects", ":projectID", "documents", use: list)
        routes.authed(.GET, "projects", ":projectID", "documents", "activity", use: activity)
        routes.authed(.DELETE, "documents", ":documentID", use: delete)
        routes.get("documents", ":documentID", "content", use: content)
    }

    func upload(_ req: Request, _ caller: Caller) async throws -> Response {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        guard project.status.acceptsDocuments else {
            throw APIError.invalidTransition(from: project.status.rawValue, action: "upload documents")
        }
        guard let company = try await CompanyModel.find(caller.companyId, on: req.db) else {
            throw APIError.unauthenticated
        }
        let documentId = UUID()
        let key = DocumentKeys.original(projectId: (try project.requireID()), documentId: documentId)
        let storage = req.application.objectStorage
        // Named before the first byte is stored: if the process dies before the document row commits (which deletes
        // this row in the same transaction), the sweep deletes the object nobody owns.
        let pending = PendingUploadModel(documentId: documentId, storageKey: key, now: req.now)
        try await req.write { db in try await pending.create(on: db) }
        var stored = false
        do {
            let received = try await UploadReceiver(storage: storage, key: key, plan: company.plan).receive(req)
            let title = received.fields["title"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
                $0.isEmpty ? nil : $0
            }
            var errors = ValidationErrors()
            errors.text("title", title, required: false, max: Self.maxTitle)
            let replaces = received.fields["replaces"].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap {
                $0.isEmpty ? nil : $0
            }
            if let replaces, UUID(uuidString: replaces) == nil {
                errors.add("replaces", "must be the id of a document of this project")
            }
            try errors.throwIfAny()
            let fingerprint = [received.sha256, received.filename, title ?? "", replaces ?? ""].joined(separator: "\n")
            let response = try await req.idempotent(caller, fingerprint: fingerprint) {
                let document = try await DocumentActions.record(
                    received, as: documentId, storedAt: key, title: title,
                    replacing: replaces.flatMap(UUID.init(uuidString:)), on: project.requireID(), by: caller,
                    in: req.useCases
                ).value
                stored = true
                return try Response.json(.created, DocumentDTO(document))
            }
            if !stored { try await Self.discard(pending, req: req) }  // a replay, or refused after the upload
            return response
        } catch {
            if !stored { try? await Self.discard(pending, req: req) }
            throw error
        }
    }

    /// An upload that will not become a document: its object and its pending row go now.
    private static func discard(_ pending: PendingUploadModel, req: Request) async throws {
        try await req.application.objectStorage.delete(pending.storageKey)
        try await req.write { db in try await pending.delete(on: db) }
    }

    /// `DELETE /documents/{id}`: the owner removes a document from a DRAFT project.
    func delete(_ req: Request, _ caller: Caller) async throws -> HTTPStatus {
        _ = try await DocumentActions.delete(
            req.parameters.get("documentID", as: UUID.self), by: caller, in: req.useCases)
        return .noContent
    }

    func list(_ req: Request) async throws -> CachedJSON<Page<DocumentDTO>> {
        let caller = try await req.optionalCaller()
        let (project, _) = try await ProjectAccess.load(req, caller: caller)
        let paging = try req.paging()
        let (rows, total) = try await DocumentModel.query(on: req.db).filter(\.$projectId == (try project.requireID()))
            .sort(\.$createdAt).sort(\.$id).page(paging)
        return CachedJSON(Page(try rows.map(DocumentDTO.init), paging, total: total))
    }

    func content(_ req: Request) async throws -> Response {
        try await DocumentDownloads.serve(req, caller: try await req.optionalCaller())
    }

    func activity(_ req: Request, _ caller: Caller) async throws -> JSONResponse<DocumentActivityDTO> {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        return JSONResponse(try await DocumentDownloads.activity(of: project, on: req.db))
    }
}

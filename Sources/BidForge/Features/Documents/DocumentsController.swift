import Vapor
import Fluent
import BidForgeCore

/// Plans and specs: upload (an addendum when the project is OPEN), list, download, and the owner's activity view.
struct DocumentsController: RouteCollection {
    static let maxTitle = 200

    func boot(routes: any RoutesBuilder) throws {
        routes.authedStreaming(.POST, "projects", ":projectID", "documents", use: upload)
        routes.get("projects", ":projectID", "documents", use: list)
        routes.authed(.GET, "projects", ":projectID", "documents", "activity", use: activity)
        routes.get("documents", ":documentID", "content", use: content)
    }

    func upload(_ req: Request, _ caller: Caller) async throws -> Response {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        guard project.status.acceptsDocuments else {
            throw APIError.invalidTransition(from: project.status.rawValue, action: "upload documents")
        }
        guard let company = try await CompanyModel.find(caller.companyId, on: req.db) else { throw APIError.unauthenticated }
        let documentId = UUID()
        let key = DocumentKeys.original(projectId: project.id!, documentId: documentId)
        let storage = req.application.objectStorage
        let received = try await UploadReceiver(storage: storage, key: key, plan: company.plan).receive(req)

        var stored = false
        do {
            let title = received.fields["title"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
            var errors = ValidationErrors()
            errors.text("title", title, required: false, max: Self.maxTitle)
            try errors.throwIfAny()
            let fingerprint = [received.sha256, received.filename, title ?? ""].joined(separator: "\n")
            let response = try await req.idempotent(caller, fingerprint: fingerprint) {
                let document = try await Addenda.recordUpload(
                    id: documentId, projectId: project.id!, caller: caller, received: received, title: title, key: key, req: req)
                stored = true
                req.application.derivatives.nudge()
                return try Response.json(.created, DocumentDTO(document))
            }
            if !stored { try? await storage.delete(key) }  // a replay, or refused after the upload
            return response
        } catch {
            if !stored { try? await storage.delete(key) }
            throw error
        }
    }

    func list(_ req: Request) async throws -> CachedJSON<Page<DocumentDTO>> {
        let caller = try await req.optionalCaller()
        let (project, _) = try await ProjectAccess.load(req, caller: caller)
        let paging = try req.paging()
        let (rows, total) = try await DocumentModel.query(on: req.db).filter(\.$projectId == project.id!)
            .sort(\.$createdAt).sort(\.$id).page(paging)
        return CachedJSON(Page(rows.map(DocumentDTO.init), paging, total: total))
    }

    func content(_ req: Request) async throws -> Response {
        try await DocumentDownloads.serve(req, caller: try await req.optionalCaller())
    }

    func activity(_ req: Request, _ caller: Caller) async throws -> JSONResponse<DocumentActivityDTO> {
        let project = try await ProjectAccess.loadOwned(req, caller: caller)
        return JSONResponse(try await DocumentDownloads.activity(of: project, on: req.db))
    }
}

import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// Serving a document's bytes (streamed from disk, or a redirect to a presigned S3 URL), recording who fetched it,
/// and summarising those records for the project's owner.
enum DocumentDownloads {
    /// `documentID`'s bytes for `caller` (API token or browser session): visible exactly when its project is, recorded.
    static func serve(_ req: Request, caller: Caller?) async throws -> Response {
        guard let id = req.parameters.get("documentID", as: UUID.self),
            let document = try await DocumentModel.find(id, on: req.db),
            let project = try await ProjectModel.find(document.projectId, on: req.db),
            try await ProjectAccess.relation(of: caller, to: project, on: req.db) != nil
        else { throw APIError.notFound("Document") }
        let asked =
            try req.queryParameters["variant"].map { raw in
                guard let variant = DocumentVariant(rawValue: raw) else {
                    throw APIError.validation(
                        "variant", "must be one of \(DocumentVariant.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return variant
            } ?? .original
        let served = servedVariant(asked, of: document)
        if countsAsView(req) {
            try await record(document, variant: served, caller: caller, req: req)
        }
        return try await respond(req, document: document, variant: served, asked: asked)
    }

    /// A derivative when it is ready; the original otherwise (not an image, not made yet, or imaging is off).
    static func servedVariant(_ asked: DocumentVariant, of document: DocumentModel) -> DocumentVariant {
        asked == .original || document.derivatives != .ready ? .original : asked
    }

    /// A PDF viewer fetches one document in many ranges; only the first (or a whole fetch) is a view. Revalidations
    /// that end in 304 are the same view again and are not counted.
    static func countsAsView(_ req: Request) -> Bool {
        guard req.method == .GET, req.headers.first(name: .ifNoneMatch) == nil else { return false }
        guard let range = req.headers.first(name: .range) else { return true }
        if case .partial(let bytes) = ByteRangeRequest.parse(range, size: .max) { return bytes.lowerBound == 0 }
        return true
    }

    static func record(_ document: DocumentModel, variant: DocumentVariant, caller: Caller?, req: Request) async throws
    {
        let download = DocumentDownloadModel()
        download.id = UUID()
        download.documentId = (try document.requireID())
        download.projectId = document.projectId
        download.companyId = caller?.companyId
        download.userId = caller?.userId
        download.variant = variant.rawValue
        download.createdAt = req.now
        try await req.write { db in try await download.create(on: db) }
    }

    static func respond(_ req: Request, document: DocumentModel, variant: DocumentVariant, asked: DocumentVariant)
        async throws -> Response
    {
        let key: String, contentType: String, filename: String
        switch variant {
        case .original:
            (key, contentType, filename) = (document.storageKey, document.contentType, document.filename)
        case .display, .thumbnail:
            key = (variant == .display ? document.displayKey : document.thumbnailKey) ?? document.storageKey
            contentType = "image/jpeg"
            filename = ((document.filename as NSString).deletingPathExtension) + "-\(variant.rawValue).jpg"
        }
        let response: Response
        switch try await req.application.objectStorage.downloadSource(key, filename: filename, contentType: contentType)
        {
        case .redirect(let url):
            response = Response(status: .found)
            response.headers.replaceOrAdd(name: .location, value: url.absoluteString)
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        case .file(let path):
            let disposition =
                inlineTypes.contains(contentType)
                ? ContentDisposition.inline(filename) : ContentDisposition.attachment(filename)
            response = try await FileStreaming.respond(
                to: req, path: path,
                .init(
                    etag: "\"\(document.sha256)\(variant == .original ? "" : "-" + variant.rawValue)\"",
                    contentType: contentType, contentDisposition: disposition))
        }
        // Says what was sent when a derivative was asked for but the original came (not made yet, or imaging off).
        if asked != .original { response.headers.replaceOrAdd(name: "X-Document-Variant", value: variant.rawValue) }
        return response
    }

    /// Shown in the browser rather than saved: PDFs, images and text.
    static let inlineTypes: Set<String> = ["application/pdf", "image/png", "image/jpeg", "text/plain"]

    private struct CountRow: Decodable {
        let company_id: UUID?
        let document_id: UUID
        let downloads: Int
        let first_at: Date
        let last_at: Date
    }

    static func activity(of project: ProjectModel, on db: any Database) async throws -> DocumentActivityDTO {
        let projectId = (try project.requireID())
        let documents = try await DocumentModel.query(on: db).filter(\.$projectId == projectId).sort(\.$createdAt).sort(
            \.$id
        ).all()
        let rows = try await db.sql.raw(
            """
            SELECT company_id, document_id, COUNT(*) AS downloads, MIN(created_at) AS first_at, MAX(created_at) AS last_at
            FROM document_downloads WHERE project_id = \(bind: projectId)
            GROUP BY company_id, document_id
            """
        ).all(decoding: CountRow.self)
        let invited = Set(
            try await InvitationModel.query(on: db).filter(\.$projectId == projectId).all().map(\.companyId))
        let bidding = Set(
            try await BidModel.query(on: db).filter(\.$projectId == projectId)
                .filter(\.$status != .withdrawn).all().map(\.companyId))
        let downloaders = Set(rows.compactMap(\.company_id)).subtracting([project.companyId])
        let companyIds = invited.union(bidding).union(downloaders)
        let names = Dictionary(
            uniqueKeysWithValues: try await CompanyModel.query(on: db)
                .filter(\.$id ~~ Array(companyIds)).all().map { ((try $0.requireID()), $0.name) })

        let companies = companyIds.map { companyId -> DocumentActivityDTO.CompanyActivity in
            let mine = rows.filter { $0.company_id == companyId }
            let views = documents.compactMap { document -> DocumentActivityDTO.DocumentViews? in
                guard let row = mine.first(where: { $0.document_id == document.id }) else { return nil }
                return .init(
                    documentId: row.document_id, downloads: row.downloads, firstDownloadedAt: row.first_at,
                    lastDownloadedAt: row.last_at)
            }
            let seen = Set(views.map(\.documentId))
            return .init(
                companyId: companyId, companyName: names[companyId] ?? "", invited: invited.contains(companyId),
                bidding: bidding.contains(companyId), downloads: views.reduce(0) { $0 + $1.downloads },
                lastDownloadedAt: views.map(\.lastDownloadedAt).max(), documents: views,
                notDownloaded: documents.compactMap(\.id).filter { !seen.contains($0) })
        }.sorted { ($0.companyName, $0.companyId.lowercasedString) < ($1.companyName, $1.companyId.lowercasedString) }
        return DocumentActivityDTO(
            projectId: projectId,
            documents: try documents.map {
                .init(id: (try $0.requireID()), filename: $0.filename, addendumNumber: $0.addendumNumber)
            },
            companies: companies,
            anonymousDownloads: rows.filter { $0.company_id == nil }.reduce(0) { $0 + $1.downloads })
    }
}

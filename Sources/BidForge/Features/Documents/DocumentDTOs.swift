import BidForgeCore
import Vapor

struct DocumentDTO: Encodable, Sendable {
    let id: UUID
    let projectId: UUID
    let filename: String
    @NullEncoded var title: String?
    let contentType: String
    let sizeBytes: Int64
    let sha256: String
    /// Set when the upload issued an addendum (the project was OPEN).
    @NullEncoded var addendumNumber: Int?
    /// Image versions ready to fetch with `?variant=` (empty for non-images and while they are being made).
    let variants: [String]
    let createdAt: Date
    /// The document this one replaced, and when this one was itself replaced (it stays readable, for the record).
    @NullEncoded var replacesId: UUID?
    @NullEncoded var supersededAt: Date?

    init(_ d: DocumentModel) throws {
        id = (try d.requireID())
        projectId = d.projectId
        filename = d.filename
        title = d.title
        contentType = d.contentType
        sizeBytes = d.sizeBytes
        sha256 = d.sha256
        addendumNumber = d.addendumNumber
        variants = d.derivatives == .ready ? DocumentVariant.derived.map(\.rawValue) : []
        createdAt = d.createdAt
        replacesId = d.replacesId
        supersededAt = d.supersededAt
    }
}

/// What `GET /documents/{id}/content?variant=` may ask for.
enum DocumentVariant: String, CaseIterable, Sendable {
    case original, display, thumbnail

    static let derived: [DocumentVariant] = [.display, .thumbnail]

    /// The box each derivative fits in.
    var box: (width: Int, height: Int)? {
        switch self {
        case .original: nil
        case .display: (1200, 800)
        case .thumbnail: (400, 400)
        }
    }

    static let jpegQuality = 80
}

/// Storage keys are generated, never derived from what the user sent.
enum DocumentKeys {
    static func original(projectId: UUID, documentId: UUID) -> String {
        "projects/\(projectId.uuidString.lowercased())/\(documentId.uuidString.lowercased())"
    }

    static func derivative(of original: String, _ variant: DocumentVariant) -> String {
        "\(original).\(variant.rawValue).jpg"
    }
}

/// The owner's view of who opened what: every company invited, bidding or that downloaded, with its downloads per
/// document, so "who has not opened addendum 3" is one glance.
struct DocumentActivityDTO: Encodable, Sendable {
    struct DocumentSummary: Encodable, Sendable {
        let id: UUID
        let filename: String
        @NullEncoded var addendumNumber: Int?
    }

    struct CompanyActivity: Encodable, Sendable {
        let companyId: UUID
        let companyName: String
        let invited: Bool
        let bidding: Bool
        let downloads: Int
        @NullEncoded var lastDownloadedAt: Date?
        let documents: [DocumentViews]
        /// Documents this company has never downloaded.
        let notDownloaded: [UUID]
    }

    struct DocumentViews: Encodable, Sendable {
        let documentId: UUID
        let downloads: Int
        let firstDownloadedAt: Date
        let lastDownloadedAt: Date
    }

    let projectId: UUID
    let documents: [DocumentSummary]
    let companies: [CompanyActivity]
    /// Downloads by visitors who were not signed in (PUBLIC projects).
    let anonymousDownloads: Int
}

import Fluent
import Foundation

/// Where a document's display and thumbnail images stand.
enum DerivativeState: String, Codable, Sendable {
    /// Not an image: there is nothing to make.
    case none = "NONE"
    /// An image waiting for an instance with libvips.
    case pending = "PENDING"
    case ready = "READY"
    /// libvips could not read it (after retries); the original is served for every variant.
    case failed = "FAILED"
}

final class DocumentModel: Model, @unchecked Sendable {
    static let schema = "documents"

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectId: UUID
    /// The company that owns the project (and so the document).
    @Field(key: "company_id") var companyId: UUID
    @Field(key: "uploaded_by") var uploadedBy: UUID
    /// Sanitised name the uploader gave the file; storage never uses it.
    @Field(key: "filename") var filename: String
    @OptionalField(key: "title") var title: String?
    @Field(key: "content_type") var contentType: String
    @Field(key: "size_bytes") var sizeBytes: Int64
    @Field(key: "sha256") var sha256: String
    @Field(key: "storage_key") var storageKey: String
    /// Set when the upload issued an addendum (the project was OPEN).
    @OptionalField(key: "addendum_number") var addendumNumber: Int?
    @Enum(key: "derivatives") var derivatives: DerivativeState
    @OptionalField(key: "display_key") var displayKey: String?
    @OptionalField(key: "thumbnail_key") var thumbnailKey: String?
    /// An instance making the derivatives holds them until then; past it, another may take over.
    @OptionalField(key: "derivative_lease_until") var derivativeLeaseUntil: Date?
    @Field(key: "derivative_attempts") var derivativeAttempts: Int
    @Field(key: "created_at") var createdAt: Date
    /// The document this one replaces (on an OPEN project the replacement is an addendum and the old one stays, marked).
    @OptionalField(key: "replaces_id") var replacesId: UUID?
    /// Set when a later document replaced this one.
    @OptionalField(key: "superseded_at") var supersededAt: Date?

    init() {}

    /// Every object stored for the document: the original and its derivatives.
    var storageKeys: [String] { [storageKey] + [displayKey, thumbnailKey].compactMap { $0 } }
}

/// A stored object whose document row is not committed yet. The row that commits the document deletes this one in the
/// same transaction; one left behind (a crash in between) names an object to delete.
final class PendingUploadModel: Model, @unchecked Sendable {
    static let schema = "pending_uploads"

    @ID(key: .id) var id: UUID?
    @Field(key: "storage_key") var storageKey: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(documentId: UUID, storageKey: String, now: Date) {
        id = documentId
        self.storageKey = storageKey
        createdAt = now
    }
}

final class DocumentDownloadModel: Model, @unchecked Sendable {
    static let schema = "document_downloads"

    @ID(key: .id) var id: UUID?
    @Field(key: "document_id") var documentId: UUID
    @Field(key: "project_id") var projectId: UUID
    /// Nil for an anonymous visitor of a PUBLIC project.
    @OptionalField(key: "company_id") var companyId: UUID?
    @OptionalField(key: "user_id") var userId: UUID?
    @Field(key: "variant") var variant: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

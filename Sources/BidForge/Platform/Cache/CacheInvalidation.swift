import Foundation
import Fluent
import NIOConcurrencyHelpers

/// What a write transaction touched. `Application.write` binds one for the transaction; the events it records
/// (`Outbox.record`) and the rows it writes (`CacheTouchingMiddleware`) name the scopes they change, and once the
/// transaction has committed — before the response leaves — those scopes move to new generations. A reader that
/// starts after the writer's response therefore never gets the old value.
final class CacheTouches: Sendable {
    private let scopes = NIOLockedValueBox<Set<String>>([])
    private let events = NIOLockedValueBox(false)

    @TaskLocal static var current: CacheTouches?

    static func touch(_ scopes: [String]) {
        guard let current, !scopes.isEmpty else { return }
        current.scopes.withLockedValue { $0.formUnion(scopes) }
    }

    var touched: Set<String> { scopes.withLockedValue { $0 } }

    /// The transaction recorded an outbox event (so the dispatcher has work once it commits).
    static func recordedEvent() { current?.events.withLockedValue { $0 = true } }

    var recordedEvents: Bool { events.withLockedValue { $0 } }
}

/// The scopes cached values depend on, in one place so readers and writers name them alike.
enum CacheScope {
    /// A project's own data and its live bid count (detail, listing cards).
    static func project(_ id: UUID) -> String { "project:" + id.uuidString.lowercased() }
    /// Which projects a listing holds and in what order (publication, edits, status changes).
    static let listings = "listings"
    /// What a company's signed-in listing adds to the public one: the projects it is invited to.
    static func invitations(_ companyId: UUID) -> String { "invites:" + companyId.uuidString.lowercased() }
    static func company(_ id: UUID) -> String { "company:" + id.uuidString.lowercased() }
    static func analytics(_ companyId: UUID) -> String { "analytics:" + companyId.uuidString.lowercased() }

    /// What an outbox event changes for readers.
    static func touched(by event: DomainEvent, companyId: UUID?) -> [String] {
        var scopes: [String] = []
        if case .string(let raw)? = event.data["projectId"], let id = UUID(uuidString: raw) { scopes.append(project(id)) }
        let told = event.notifications.flatMap(\.companyIds)
        switch event.type {
        case .projectPublished, .projectUpdated, .projectAwarded:
            scopes.append(listings)
        case .invitationCreated:
            scopes += told.map(invitations)
        default:
            break
        }
        switch event.type {
        case .bidSubmitted, .bidRevised, .bidWithdrawn, .projectAwarded, .projectPublished:
            scopes += (told + [companyId].compactMap { $0 }).map(analytics)
        default:
            break
        }
        return scopes
    }
}

/// Rows written through Fluent name what they change, so a write path that records no event (a draft edited, a
/// company profile saved) still invalidates what it touched.
struct CacheTouchingMiddleware<M: Model>: AsyncModelMiddleware {
    let scopes: @Sendable (M) -> [String]

    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        CacheTouches.touch(scopes(model))
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        CacheTouches.touch(scopes(model))
    }

    func delete(model: M, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        CacheTouches.touch(scopes(model))
    }
}

extension Databases {
    /// Every model whose writes change something cached.
    func useCacheTouching() {
        middleware.use(CacheTouchingMiddleware<ProjectModel> {
            [CacheScope.project($0.id!), CacheScope.listings, CacheScope.analytics($0.companyId)]
        })
        middleware.use(CacheTouchingMiddleware<BidModel> { [CacheScope.project($0.projectId), CacheScope.analytics($0.companyId)] })
        middleware.use(CacheTouchingMiddleware<CompanyModel> { [CacheScope.company($0.id!)] })
        middleware.use(CacheTouchingMiddleware<InvitationModel> { [CacheScope.invitations($0.companyId), CacheScope.project($0.projectId)] })
    }
}

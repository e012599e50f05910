import Foundation
import NIOConcurrencyHelpers
import Vapor

/// One request's part in read-your-writes: the token its client sent back (`X-Consistency-Token`), the caller once
/// known, and the primary's position after the request's own writes (returned in the same header and kept for the
/// caller). Only made when replicas are configured.
final class ConsistencySession: Sendable {
    static let header = "X-Consistency-Token"

    let presented: WALPosition?
    private struct Inner {
        var user: UUID?
        var kept: WALPosition?? = nil  // looked up at most once per request
        var written: WALPosition?
    }
    private let inner = NIOLockedValueBox(Inner())

    init(presented: WALPosition?) { self.presented = presented }

    func identify(_ user: UUID) { inner.withLockedValue { $0.user = user } }

    func wrote(_ position: WALPosition) {
        inner.withLockedValue { $0.written = max($0.written ?? position, position) }
    }

    var user: UUID? { inner.withLockedValue { $0.user } }
    var written: WALPosition? { inner.withLockedValue { $0.written } }

    /// The position a replica must have replayed to serve this caller: the latest of the token sent back, the
    /// caller's kept token and this request's own writes. Throws when the kept token cannot be read.
    func needed(tokens: any ConsistencyTokens) async throws -> WALPosition? {
        let (user, kept, written) = inner.withLockedValue { ($0.user, $0.kept, $0.written) }
        var fromStore: WALPosition? = nil
        if let kept {
            fromStore = kept
        } else if let user {
            fromStore = try await tokens.position(of: user)
            inner.withLockedValue { $0.kept = .some(fromStore) }
        }
        return [presented, fromStore, written].compactMap { $0 }.max()
    }
}

extension Request {
    private struct ConsistencyKey: StorageKey { typealias Value = ConsistencySession }

    /// This request's read-your-writes state; nil without replicas.
    var consistency: ConsistencySession? {
        get { storage[ConsistencyKey.self] }
        set { storage[ConsistencyKey.self] = newValue }
    }
}

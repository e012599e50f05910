import FluentKit
import Foundation
import SQLKit
import Vapor

/// What a read needs of the database it runs on; each use case declares it (`UseCaseContext.database(for:)`).
enum ReadConsistency: Sendable {
    /// Every committed write, at once: transactions, and reads whose answer decides a write or a permission.
    case primary
    /// The caller's own writes (read-your-writes); other callers' writes may show up to `REPLICA_MAX_LAG_MS` late.
    /// Public listings, search, company profiles, analytics, the trade list.
    case callersWrites
    /// Everything committed before the read started: for what is kept after it (a cache fill), which would otherwise
    /// outlive the invalidation it raced. Costs one tiny primary statement.
    case everything
}

/// Sends each read to the primary or a replica, and records the consistency token after each write. Made only when
/// `DATABASE_REPLICA_URLS` names replicas; without it every read is a primary read and nothing here runs.
final class ReadRouting: Sendable {
    let replicas: ReplicaSet
    let tokens: any ConsistencyTokens
    let metrics: AppMetrics

    init(replicas: ReplicaSet, tokens: any ConsistencyTokens, metrics: AppMetrics) {
        self.replicas = replicas
        self.tokens = tokens
        self.metrics = metrics
    }

    /// The replica that may serve `need` for this request, or nil for the primary.
    func replica(for need: ReadConsistency, session: ConsistencySession?, primary: any Database) async
        -> ReplicaSet.Replica?
    {
        let needed: WALPosition?
        switch CacheFilling.active && need == .callersWrites ? .everything : need {
        case .primary:
            return counted(nil)
        case .callersWrites:
            guard let session else { return counted(replicas.choose(atLeast: nil)) }
            do { needed = try await session.needed(tokens: tokens) } catch { return counted(nil) }
        case .everything:
            guard let now = try? await Self.insertPosition(on: primary) else { return counted(nil) }
            needed = now
        }
        return counted(replicas.choose(atLeast: needed))
    }

    /// A read failed on `replica`: out of the rotation until the next poll finds it answering.
    func replicaFailed(_ replica: ReplicaSet.Replica, _ error: any Error) {
        replicas.setAside(replica, problem: String(describing: error))
        metrics.recordDatabaseVisit(target: "primary")
    }

    /// After a commit on the primary: where its log stands now, which is past the commit just made.
    func recordCommit(on primary: any Database, session: ConsistencySession?) async {
        metrics.recordDatabaseVisit(target: "primary")
        guard let session, let position = try? await Self.insertPosition(on: primary) else { return }
        session.wrote(position)
    }

    /// Keeps the request's write position for its caller (end of the request, before the response leaves).
    func keep(_ session: ConsistencySession) async {
        guard let written = session.written, let user = session.user else { return }
        try? await tokens.record(written, of: user)
    }

    private func counted(_ replica: ReplicaSet.Replica?) -> ReplicaSet.Replica? {
        metrics.recordDatabaseVisit(target: replica?.name ?? "primary")
        return replica
    }

    static func insertPosition(on db: any Database) async throws -> WALPosition? {
        let text = try await db.sql.raw("SELECT pg_current_wal_insert_lsn()::text AS lsn").first()?.decode(
            column: "lsn", as: String.self)
        return text.flatMap { WALPosition($0) }?.asRecordEnd
    }
}

extension Application {
    private struct ReadRoutingKey: StorageKey { typealias Value = ReadRouting }

    /// Set in `configure` when replicas are configured.
    var readRouting: ReadRouting? {
        get { storage[ReadRoutingKey.self] }
        set { storage[ReadRoutingKey.self] = newValue }
    }
}

import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Every `interval`, reads the primary's log position and each replica's replayed position (concurrently, each
/// within `timeout`), and hands them to the `ReplicaSet`: a replica that stops answering, or falls behind, is out of
/// the rotation within one interval, and back in once it answers and catches up.
final class ReplicaPoller: Sendable {
    static let interval: Duration = .milliseconds(50)
    static let timeout: Duration = .seconds(1)

    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    func start(_ app: Application, replicas: ReplicaSet) {
        task.withLockedValue { task in
            guard task == nil else { return }
            task = Task { await Self.run(app, replicas: replicas) }
        }
    }

    func stop() async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }

    private static func run(_ app: Application, replicas: ReplicaSet) async {
        while !Task.isCancelled {
            await poll(app, replicas: replicas)
            try? await Task.sleep(for: interval)
        }
    }

    static func poll(_ app: Application, replicas: ReplicaSet) async {
        let primary = app.db
        if let position = await withTimeout(timeout, { try await Self.position(of: primary) }) ?? nil {
            replicas.recordPrimary(position, at: .now)
        }
        await withTaskGroup(of: Void.self) { group in
            for (index, replica) in replicas.replicas.enumerated() {
                group.addTask {
                    let db = app.db(replica.id)
                    let answer = await withTimeout(timeout) { try await Self.replayed(by: db) }
                    switch answer {
                    case .some(.some(let replayed)):
                        replicas.recordReplica(index, replayed: replayed, at: .now)
                    case .some(.none):
                        replicas.recordReplica(
                            index, replayed: nil, problem: .notStandby,
                            message: "not in recovery: this is not a replica of the primary", at: .now)
                    case .none:
                        replicas.recordReplica(
                            index, replayed: nil, problem: .unreachable,
                            message: "did not answer within \(timeout.milliseconds) ms", at: .now)
                    }
                    let status = replicas.statuses()[index].status
                    app.metrics.recordReplica(
                        replica.name, up: status.condition == .ok || status.condition == .lagging,
                        lag: status.lag)
                }
            }
        }
    }

    /// The primary's written position: what replicas can have received (a commit not yet written cannot lag).
    static func position(of primary: any Database) async throws -> WALPosition? {
        let text = try await primary.sql.raw("SELECT pg_current_wal_lsn()::text AS lsn").first()?.decode(
            column: "lsn", as: String.self)
        return text.flatMap { WALPosition($0) }
    }

    /// nil when the server is not a standby (its replay position means nothing).
    static func replayed(by replica: any Database) async throws -> WALPosition? {
        let row = try await replica.sql.raw(
            "SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn()::text AS lsn"
        ).first()
        guard let row, try row.decode(column: "standby", as: Bool.self) else { return nil }
        return try row.decode(column: "lsn", as: String?.self).flatMap { WALPosition($0) }
    }
}

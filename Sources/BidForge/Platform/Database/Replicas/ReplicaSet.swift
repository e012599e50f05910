import FluentKit
import Foundation
import NIOConcurrencyHelpers

/// The read replicas and what is known of each: how far it has replayed the primary's log, how far behind it is,
/// whether it answers. `choose` picks the replica that may serve a read needing at least a given log position; the
/// poller (`ReplicaPoller`) feeds it. Pure bookkeeping: no I/O here, so the rules are tested without servers.
final class ReplicaSet: Sendable {
    struct Replica: Sendable, Equatable {
        /// `replica1`, `replica2` … in `DATABASE_REPLICA_URLS` order: the label in metrics and health.
        let name: String
        let id: DatabaseID
        /// host:port, for the health report (never the credentials).
        let address: String
    }

    struct Status: Sendable, Equatable {
        enum Condition: String, Sendable { case unknown, ok, lagging, unreachable, notStandby = "not_standby" }
        var condition: Condition = .unknown
        var replayed: WALPosition?
        var lag: Duration?
        var problem: String?
    }

    let replicas: [Replica]
    let maxLag: Duration

    private struct State {
        var statuses: [Status]
        /// The primary's log position each time it was seen to move, oldest first: a replica's lag is how long ago
        /// the primary first passed the position the replica has replayed.
        var primary: [(position: WALPosition, seenAt: ContinuousClock.Instant)] = []
        var turn = 0
    }
    private let state: NIOLockedValueBox<State>
    static let historyLimit = 4_096

    init(replicas: [Replica], maxLag: Duration) {
        self.replicas = replicas
        self.maxLag = maxLag
        state = NIOLockedValueBox(State(statuses: replicas.map { _ in Status() }))
    }

    /// A replica that answers, lags no more than `maxLag` and has replayed `atLeast` (when given), taking turns among
    /// those that qualify; nil when none does (the read goes to the primary).
    func choose(atLeast needed: WALPosition?) -> Replica? {
        state.withLockedValue { state in
            let eligible = state.statuses.indices.filter { index in
                let status = state.statuses[index]
                guard status.condition == .ok, let replayed = status.replayed else { return false }
                return needed.map { replayed >= $0 } ?? true
            }
            guard !eligible.isEmpty else { return nil }
            state.turn &+= 1
            return replicas[eligible[Int(UInt(bitPattern: state.turn) % UInt(eligible.count))]]
        }
    }

    /// The primary's current position (`pg_current_wal_lsn()`), sampled by the poller.
    func recordPrimary(_ position: WALPosition, at now: ContinuousClock.Instant) {
        state.withLockedValue { state in
            if let last = state.primary.last, last.position >= position { return }
            state.primary.append((position, now))
            if state.primary.count > Self.historyLimit { state.primary.removeFirst(state.primary.count / 2) }
        }
    }

    /// What one poll of replica `index` found: its replayed position, or why it could not tell.
    func recordReplica(
        _ index: Int, replayed: WALPosition?, problem: Status.Condition? = nil, message: String? = nil,
        at now: ContinuousClock.Instant
    ) {
        state.withLockedValue { state in
            guard state.statuses.indices.contains(index) else { return }
            guard let replayed, problem == nil else {
                state.statuses[index] = Status(
                    condition: problem ?? .unreachable, replayed: state.statuses[index].replayed, lag: nil,
                    problem: message)
                return
            }
            let lag = Self.lag(of: replayed, primary: state.primary, now: now)
            // Forget history every replica has passed: only positions some replica still lacks are needed.
            state.statuses[index] = Status(
                condition: lag <= maxLag ? .ok : .lagging, replayed: replayed, lag: lag,
                problem: lag <= maxLag
                    ? nil : "replay is \(lag.milliseconds) ms behind (over \(maxLag.milliseconds) ms)")
            let replayedByAll = state.statuses.compactMap(\.replayed)
            guard replayedByAll.count == state.statuses.count, let slowest = replayedByAll.min() else { return }
            if let keep = state.primary.lastIndex(where: { $0.position <= slowest }), keep > 0 {
                state.primary.removeFirst(keep)
            }
        }
    }

    /// A read failed on `replica`: unreachable until a poll says otherwise.
    func setAside(_ replica: Replica, problem: String) {
        state.withLockedValue { state in
            guard let index = replicas.firstIndex(of: replica) else { return }
            state.statuses[index].condition = .unreachable
            state.statuses[index].problem = "a read failed: " + String(problem.prefix(200))
        }
    }

    func statuses() -> [(replica: Replica, status: Status)] {
        state.withLockedValue { state in Array(zip(replicas, state.statuses)) }
    }

    /// How long ago the primary first stood past `replayed`: zero when the replica has everything the primary had.
    static func lag(
        of replayed: WALPosition, primary: [(position: WALPosition, seenAt: ContinuousClock.Instant)],
        now: ContinuousClock.Instant
    ) -> Duration {
        guard let first = primary.first(where: { $0.position > replayed }) else { return .zero }
        return max(.zero, now - first.seenAt)
    }
}

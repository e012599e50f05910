import Foundation
import NIOConcurrencyHelpers
import RedisWire

/// Each user's consistency token: the primary's log position after their latest write, kept for `window` so that
/// any instance serving their next reads sends them only to a replica that has replayed it.
protocol ConsistencyTokens: Sendable {
    /// The user's token within the window, nil when there is none; throws when the store cannot tell (the read then
    /// goes to the primary: not knowing is not the same as "no recent write").
    func position(of user: UUID) async throws -> WALPosition?
    /// Keeps the later of `position` and what is already kept.
    func record(_ position: WALPosition, of user: UUID) async throws
}

/// In this process only: right for one instance; behind a load balancer without Redis a user's next read may land
/// on an instance that never saw the write, which then still has the token the response carried (`X-Consistency-Token`).
final class InMemoryConsistencyTokens: ConsistencyTokens {
    private let window: Duration
    private let kept = NIOLockedValueBox<[UUID: (position: WALPosition, until: ContinuousClock.Instant)]>([:])

    init(window: Duration) { self.window = window }

    func position(of user: UUID) async throws -> WALPosition? {
        let now = ContinuousClock.now
        return kept.withLockedValue { kept in
            guard let entry = kept[user], entry.until > now else { return nil }
            return entry.position
        }
    }

    func record(_ position: WALPosition, of user: UUID) async throws {
        let now = ContinuousClock.now
        kept.withLockedValue { kept in
            if kept.count > 100_000 { kept = kept.filter { $0.value.until > now } }
            let earlier = kept[user].flatMap { $0.until > now ? $0.position : nil }
            kept[user] = (max(position, earlier ?? position), now + window)
        }
    }
}

/// In Redis, shared by every instance: `bidforge:rw:<user>` holds the position as 16 hex digits, so the script keeps
/// the later of two concurrent writes by comparing text.
struct RedisConsistencyTokens: ConsistencyTokens {
    let redis: RedisClient
    let window: Duration

    func position(of user: UUID) async throws -> WALPosition? {
        guard let text = try await redis.getString(Self.key(user)) else { return nil }
        return WALPosition(fixedWidth: text)
    }

    func record(_ position: WALPosition, of user: UUID) async throws {
        _ = try await redis.eval(
            Self.keepLater, keys: [Self.key(user)], arguments: [position.fixedWidth, String(window.milliseconds)])
    }

    static func key(_ user: UUID) -> String { "bidforge:rw:" + user.uuidString.lowercased() }

    static let keepLater = """
        local kept = redis.call('GET', KEYS[1])
        if (not kept) or kept < ARGV[1] then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        else
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """
}

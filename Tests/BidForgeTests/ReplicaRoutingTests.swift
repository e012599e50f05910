import FluentKit
import Foundation
import RedisWire
import RedisWireTesting
import Testing

@testable import BidForge

/// The rules that decide whether a replica may serve a read, without servers: log positions, lag, the choice, and
/// the consistency tokens (in memory, and in a real Redis when it is installed).
@Suite struct ReplicaRoutingTests {
    @Test func logPositionsParseCompareAndPrintLikePostgres() throws {
        let a = try #require(WALPosition("16/B374D848"))
        #expect(a.value == 0x16 << 32 | 0xB374_D848)
        #expect(a.description == "16/B374D848")
        #expect(try #require(WALPosition("0/0")).value == 0)
        #expect(try #require(WALPosition("16/B374D849")) > a)
        #expect(try #require(WALPosition("17/0")) > a)
        #expect(WALPosition(fixedWidth: a.fixedWidth) == a)
        #expect(a.fixedWidth.count == 16)
        // fixed-width text orders like the positions (Redis keeps the later token by comparing text)
        #expect(WALPosition(0xF).fixedWidth < WALPosition(0x10).fixedWidth)
        for bad in ["", "/", "1/", "/1", "G/1", "1/2/3", "123456789/1", "-1/1", " 1/1", "1/1 "] {
            #expect(WALPosition(bad) == nil, "\(bad) is not a position")
        }
    }

    @Test func aTokenTakenJustPastAPageHeaderIsMovedBackToTheRecordEnd() {
        #expect(WALPosition(8192 * 5 + 24).asRecordEnd == WALPosition(8192 * 5))
        #expect(WALPosition((16 << 20) + 40).asRecordEnd == WALPosition(16 << 20))
        #expect(
            WALPosition(8192 * 5 + 40).asRecordEnd == WALPosition(8192 * 5 + 40), "40 is a header only at a segment")
        #expect(WALPosition(8192 * 5 + 100).asRecordEnd == WALPosition(8192 * 5 + 100))
    }

    static func replicas(_ count: Int, maxLag: Duration = .milliseconds(500)) -> ReplicaSet {
        ReplicaSet(
            replicas: (1...count).map {
                .init(name: "replica\($0)", id: DatabaseID(string: "replica\($0)"), address: "x")
            },
            maxLag: maxLag)
    }

    @Test func aReplicaServesOnlyOnceItAnswersAndHasWhatTheReadNeeds() {
        let set = Self.replicas(1)
        let start = ContinuousClock.now
        #expect(set.choose(atLeast: nil) == nil, "never polled: unknown")
        set.recordPrimary(WALPosition(100), at: start)
        set.recordReplica(0, replayed: WALPosition(100), at: start)
        #expect(set.choose(atLeast: nil)?.name == "replica1")
        #expect(set.choose(atLeast: WALPosition(100))?.name == "replica1")
        #expect(set.choose(atLeast: WALPosition(101)) == nil, "the caller's write is not replayed yet")
        set.recordReplica(0, replayed: nil, problem: .unreachable, message: "down", at: start)
        #expect(set.choose(atLeast: nil) == nil)
        #expect(set.statuses()[0].status.condition == .unreachable)
        set.recordReplica(0, replayed: nil, problem: .notStandby, message: "primary", at: start)
        #expect(set.choose(atLeast: nil) == nil)
    }

    @Test func lagIsHowLongAgoThePrimaryPassedWhatTheReplicaReplayed() {
        let set = Self.replicas(2, maxLag: .milliseconds(500))
        let t0 = ContinuousClock.now
        set.recordPrimary(WALPosition(100), at: t0)
        set.recordPrimary(WALPosition(200), at: t0 + .milliseconds(100))
        set.recordPrimary(WALPosition(300), at: t0 + .milliseconds(900))
        let now = t0 + .seconds(1)
        set.recordReplica(0, replayed: WALPosition(300), at: now)
        set.recordReplica(1, replayed: WALPosition(150), at: now)
        let statuses = set.statuses()
        #expect(statuses[0].status.lag == .zero)
        #expect(statuses[0].status.condition == .ok)
        #expect(statuses[1].status.lag == .milliseconds(900), "the primary passed 150 when it reached 200")
        #expect(statuses[1].status.condition == .lagging)
        for _ in 0..<10 { #expect(set.choose(atLeast: nil)?.name == "replica1", "the lagging one is skipped") }
        // caught up: back in the rotation, and both take turns
        set.recordReplica(1, replayed: WALPosition(300), at: now)
        let chosen = Set((0..<10).compactMap { _ in set.choose(atLeast: nil)?.name })
        #expect(chosen == ["replica1", "replica2"])
        // an idle primary does not make a caught-up replica look behind, however long ago it last moved
        set.recordReplica(0, replayed: WALPosition(300), at: now + .seconds(3600))
        #expect(set.statuses()[0].status.lag == .zero)
    }

    @Test func healthNamesTheReplicasReadsSkipAndGivesEachOnesLag() {
        #expect(HealthController.replicasCheck(nil).status == "disabled")
        let set = Self.replicas(2)
        let now = ContinuousClock.now
        set.recordPrimary(WALPosition(100), at: now)
        set.recordReplica(0, replayed: WALPosition(100), at: now)
        set.recordReplica(1, replayed: WALPosition(100), at: now)
        let ok = HealthController.replicasCheck(set)
        #expect(ok.status == "ok" && ok.message == nil)
        #expect(ok.details?["replica1"] == .object(["address": "x", "status": "ok", "lagMs": 0, "replayed": "0/64"]))
        set.recordReplica(1, replayed: nil, problem: .unreachable, message: "down", at: now)
        let degraded = HealthController.replicasCheck(set)
        #expect(degraded.status == "degraded")
        #expect(degraded.message?.contains("replica2 (unreachable)") == true)
        #expect(degraded.message?.contains("replica1") == false)
    }

    @Test func archiveCutOffsReadYearsMonthsAndDays() throws {
        let now = try #require(JSONCoding.parseDate("2026-12-03T12:00:00Z"))
        #expect(ProjectArchive.cutoff("2y", now: now) == JSONCoding.parseDate("2024-12-03T12:00:00Z"))
        #expect(ProjectArchive.cutoff("18m", now: now) == JSONCoding.parseDate("2025-06-03T12:00:00Z"))
        #expect(ProjectArchive.cutoff("30d", now: now) == JSONCoding.parseDate("2026-11-03T12:00:00Z"))
        #expect(ProjectArchive.cutoff("0d", now: now) == now)
        #expect(ProjectArchive.cutoff("1000y", now: now) != nil)
        for bad in ["", "y", "2", "2w", "-1y", "2.5y", "two years", "1001y", "99999999999y", "9223372036854775807d"] {
            #expect(ProjectArchive.cutoff(bad, now: now) == nil, "\(bad)")
        }
    }

    @Test func inMemoryTokensKeepTheLaterPositionForTheWindow() async throws {
        let tokens = InMemoryConsistencyTokens(window: .milliseconds(200))
        let user = UUID(), other = UUID()
        #expect(try await tokens.position(of: user) == nil)
        try await tokens.record(WALPosition(500), of: user)
        try await tokens.record(WALPosition(400), of: user)
        #expect(try await tokens.position(of: user) == WALPosition(500), "an earlier write never lowers the token")
        #expect(try await tokens.position(of: other) == nil)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await tokens.position(of: user) == nil, "gone after the window")
    }

    @Test(.enabled(if: RedisServer.available, "redis-server is not installed"))
    func redisTokensAreSharedAndKeepTheLaterPosition() async throws {
        try await RedisServer.run { redis in
            let client = try await RedisClientFixture.client(redis.url)
            let first = RedisConsistencyTokens(redis: client, window: .seconds(5))
            let second = RedisConsistencyTokens(redis: client, window: .seconds(5))
            let user = UUID()
            try await first.record(WALPosition(0x1_0000_0000), of: user)
            try await second.record(WALPosition(0xFFFF_FFFF), of: user)
            #expect(try await second.position(of: user) == WALPosition(0x1_0000_0000))
            try await second.record(WALPosition(0x1_0000_0001), of: user)
            #expect(try await first.position(of: user) == WALPosition(0x1_0000_0001))
            let ttl = try await client.send(["PTTL", RESPArgument(RedisConsistencyTokens.key(user))]).int ?? -1
            #expect(ttl > 0 && ttl <= 5000)
            await client.close()
        }
    }

    @Test func sessionNeedsTheLatestOfHeaderStoredTokenAndOwnWrites() async throws {
        let tokens = InMemoryConsistencyTokens(window: .seconds(5))
        let user = UUID()
        try await tokens.record(WALPosition(300), of: user)
        let anonymous = ConsistencySession(presented: WALPosition(200))
        #expect(try await anonymous.needed(tokens: tokens) == WALPosition(200))
        let session = ConsistencySession(presented: WALPosition(200))
        session.identify(user)
        #expect(try await session.needed(tokens: tokens) == WALPosition(300))
        session.wrote(WALPosition(400))
        #expect(try await session.needed(tokens: tokens) == WALPosition(400))
        #expect(try await ConsistencySession(presented: nil).needed(tokens: tokens) == nil)
    }
}

/// What a read needs is declared by its use case, and a cache build needs more (PostgreSQL: positions come from it).
@Suite(.enabled(if: TestDatabase.isPostgres, "log positions are PostgreSQL's"))
struct ReadRoutingDecisionTests {
    /// A replica that has everything the caller wrote but not the latest commit of anyone: a `.callersWrites` read may
    /// use it, the same read building a cache entry may not (the entry would outlive the invalidation it raced).
    @Test func aCacheBuildReadsOnlyWhatHasEveryCommitSoFar() async throws {
        try await TestApp.run { t in
            let db = t.app.db
            let now = try #require(try await ReadRouting.insertPosition(on: db))
            let behind = WALPosition(now.value - 1)
            let set = ReplicaRoutingTests.replicas(1, maxLag: .seconds(60))  // not judged here: a slow machine
            let clock = ContinuousClock.now
            set.recordPrimary(now, at: clock)
            set.recordReplica(0, replayed: behind, at: clock)
            let routing = ReadRouting(
                replicas: set, tokens: InMemoryConsistencyTokens(window: .seconds(5)), metrics: t.app.metrics)
            let session = ConsistencySession(presented: nil)
            session.identify(UUID())  // a caller with no recent write

            #expect(await routing.replica(for: .callersWrites, session: session, primary: db)?.name == "replica1")
            #expect(await routing.replica(for: .primary, session: session, primary: db) == nil)
            #expect(await routing.replica(for: .everything, session: session, primary: db) == nil)
            let whileFilling = await CacheFilling.$active.withValue(true) {
                await routing.replica(for: .callersWrites, session: session, primary: db)
            }
            #expect(whileFilling == nil, "a cache build's read must see every commit: the primary, here")
            // Once the replica has replayed past that point, the cache build may use it too (far past: the log is the
            // whole server's, and every other test writes to it meanwhile).
            set.recordReplica(0, replayed: WALPosition(now.value + (1 << 40)), at: clock)
            let caughtUp = await CacheFilling.$active.withValue(true) {
                await routing.replica(for: .callersWrites, session: session, primary: db)
            }
            #expect(caughtUp?.name == "replica1")
        }
    }
}

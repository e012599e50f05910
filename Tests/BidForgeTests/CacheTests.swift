import BidForgeCore
import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import RedisWire
import RedisWireTesting
import Testing
import Vapor

@testable import BidForge

/// The read cache: every write path invalidates what readers see, entries expire, misses coalesce, Redis can go away.
@Suite struct CacheInvalidationTests {
    func bidCount(_ t: TestApp, _ project: UUID, token: String? = nil) async throws -> Int? {
        try await t.request(.GET, "/api/v1/projects/\(project)", token: token).json["bidCount"].int.map { Int($0) }
    }

    func listedTitles(_ t: TestApp, _ query: String = "", token: String? = nil) async throws -> [String] {
        try await t.request(.GET, "/api/v1/projects?limit=100" + query, token: token).json["data"].array.compactMap {
            $0["title"].string
        }
    }

    @Test func everyWritePathIsSeenByTheNextRead() async throws {
        try await TestApp.run { t in
            let cache = try #require(t.app.cache)
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(title: "Cached clinic"))
            let bidder = try await t.register(.subcontractor)

            #expect(try await bidCount(t, project) == 0)
            let builds = cache.builds
            #expect(try await bidCount(t, project) == 0)
            #expect(try await listedTitles(t).contains("Cached clinic"))
            #expect(try await listedTitles(t).contains("Cached clinic"))
            let afterReads = cache.builds
            #expect(
                afterReads - builds <= 2, "repeat reads are hits (only the listing's index and nothing else was built)")

            // Bids move the card: detail and listing agree at once.
            let bid = try await t.submitBid(bidder, on: project)
            #expect(try await bidCount(t, project) == 1)
            let listed = try await t.request(.GET, "/api/v1/projects?limit=100").json["data"].array
            #expect(
                listed.first { $0["id"].string?.lowercased() == project.uuidString.lowercased() }?["bidCount"].int == 1)
            #expect(try await t.request(.POST, "/api/v1/bids/\(bid)/withdraw", token: bidder.token).status == .ok)
            #expect(try await bidCount(t, project) == 0)
            let again = try await t.submitBid(bidder, on: project, amount: 1_100_000)
            #expect(try await bidCount(t, project) == 1)
            let revised = try await t.request(
                .PATCH, "/api/v1/bids/\(again)", token: bidder.token, body: t.bidJSON(1_050_000))
            #expect(revised.status == .ok)
            let detail = try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token)
            #expect(detail.json["bidCount"].int == 1 && detail.json["updatedAt"].string != nil)

            // Edits, closing and new projects move the listings.
            #expect(
                try await t.request(
                    .PATCH, "/api/v1/projects/\(project)", token: owner.token,
                    body: ["title": "Cached clinic, renamed"]
                ).status == .ok)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)").json["title"].string
                    == "Cached clinic, renamed")
            #expect(try await listedTitles(t).contains("Cached clinic, renamed"))
            _ = try await t.openProject(owner, t.projectJSON(title: "Second cached project"))
            #expect(try await listedTitles(t).contains("Second cached project"))
            try await t.close(owner, project)
            #expect(
                !(try await listedTitles(t).contains("Cached clinic, renamed")),
                "the default listing shows OPEN projects")
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["status"].string == "CLOSED")
            #expect(
                try await t.request(
                    .POST, "/api/v1/projects/\(project)/award", token: owner.token, body: ["bidId": again.uuidString]
                ).status == .ok)
            let awarded = try await t.request(.GET, "/api/v1/projects/\(project)").json
            #expect(
                awarded["status"].string == "AWARDED"
                    && awarded["awardedBidId"].string?.lowercased() == again.uuidString.lowercased())
            #expect(try await listedTitles(t, "&status=AWARDED").contains("Cached clinic, renamed"))

            // A draft's edit records no event; its row still invalidates the owner's view.
            let draft = try await t.createProject(owner, t.projectJSON(title: "Quiet draft"))
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(draft)", token: owner.token).json["title"].string
                    == "Quiet draft")
            #expect(
                try await t.request(
                    .PATCH, "/api/v1/projects/\(draft)", token: owner.token, body: ["title": "Quiet draft v2"]
                ).status == .ok)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(draft)", token: owner.token).json["title"].string
                    == "Quiet draft v2")
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(draft)").status == .notFound,
                "the cache never widens visibility")
        }
    }

    @Test func invitationsAndAddendaReachTheCachedViews() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(
                owner, t.projectJSON(title: "Invite-only depot", visibility: "INVITE_ONLY"))
            let sub = try await t.register(.subcontractor)
            #expect(!(try await listedTitles(t, token: sub.token).contains("Invite-only depot")))
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)", token: sub.token).status == .notFound)
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(sub.companyId.uuidString)]] as [String: JSONValue])
            #expect(invite.status == .created)
            #expect(try await listedTitles(t, token: sub.token).contains("Invite-only depot"))
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)", token: sub.token).status == .ok)
            #expect(!(try await listedTitles(t).contains("Invite-only depot")), "still hidden from everyone else")

            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token).json["addendumCount"].int
                    == 0)
            _ = try await t.upload(owner, to: project, Samples.pdf(500))
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token).json["addendumCount"].int
                    == 1)
        }
    }

    @Test func companyProfilesAndAnalyticsFollowTheirWrites() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner, company: "Profile Before")
            let bidder = try await t.register(.contractor)
            #expect(
                try await t.request(.GET, "/api/v1/companies/\(owner.companyId)", token: bidder.token).json["name"]
                    .string == "Profile Before")
            #expect(
                try await t.request(
                    .PATCH, "/api/v1/companies/\(owner.companyId)", token: owner.token,
                    body: ["name": "Profile After"]
                ).status == .ok)
            #expect(
                try await t.request(.GET, "/api/v1/companies/\(owner.companyId)", token: bidder.token).json["name"]
                    .string == "Profile After")

            let report = {
                try await t.request(.GET, "/api/v1/analytics/company", token: bidder.token).json["bidsSubmitted"].int
            }
            #expect(try await report() == 0)
            try #require(t.app.cache).memory.removeAll()
            #expect(try await report() == 0)
            let metrics = try await t.request(.GET, "/metrics").text
            #expect(
                metrics.contains(#"cache_requests_total{cache="analytics",tier="l3",result="hit"} 1"#),
                "with L1 emptied the report came back from the object store (L3)")
            _ = try await t.submitBid(bidder, on: try await t.openProject(owner))
            #expect(try await report() == 1)
        }
    }

    /// `city=ZÜRICH-x` was once keyed as `zürich-x` (Swift folds Unicode) while SQLite's `lower()` folds ASCII only: an
    /// anonymous request cached an empty page that the exact spelling was then served. Whatever each database decides
    /// for a spelling, the cached answer must equal the uncached one.
    @Test func cachedListingsAnswerExactlyAsTheDatabaseWould() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            _ = try await t.openProject(owner, t.projectJSON(title: "Lakeside depot", city: "Zürich-x"))
            _ = try await t.openProject(owner, t.projectJSON(title: "Ampersand lab", city: "a&q=b"))
            let spellings = ["ZÜRICH-x", "Zürich-x", "zürich-x", "ZURICH-X", "a&q=b", "a"]
            var cached: [String: [String]] = [:]
            for city in spellings {
                let query = "&city=" + (city.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                cached[city] = try await listedTitles(t, query)
                if city == "a" { cached[city] = try await listedTitles(t, query + "&q=b") }
            }
            #expect(cached["Zürich-x"] == ["Lakeside depot"], "the exact spelling always finds it")
            // `city=` means no city filter, so it cannot blank (or fill) the unfiltered listing's cache entry.
            let blank = try await listedTitles(t, "&city=")
            let unfiltered = try await listedTitles(t)
            #expect(blank == unfiltered && unfiltered.count == 2)
            #expect(cached["a&q=b"] == ["Ampersand lab"])
            func filter(_ query: String) throws -> ProjectFilter {
                var errors = ValidationErrors()
                let raw = ProjectFilter.Raw(QueryParameters(query), into: &errors)
                return try ProjectFilter(raw, paging: try Paging(page: 1, limit: 100))
            }
            #expect(try filter("city=a%26q%3Db").cacheKey != filter("city=a&q=b").cacheKey)
            for city in spellings {
                let query =
                    "city=" + (city.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                    + (city == "a" ? "&q=b" : "")
                let direct = try await ProjectQueries.list(try filter(query), caller: nil, on: t.app.db).rows.map(
                    \.title)
                #expect(cached[city] == direct, "\(city): cached \(cached[city] ?? []) vs database \(direct)")
            }
        }
    }

    @Test func entriesExpireAfterTheirTime() async throws {
        try await TestApp.run(environment: ["CACHE_TTL_SECONDS": "60"]) { t in
            let cache = try #require(t.app.cache)
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            _ = try await bidCount(t, project)
            let warm = cache.builds
            _ = try await bidCount(t, project)
            #expect(cache.builds == warm)
            t.clock.advance(by: 61)
            _ = try await bidCount(t, project)
            #expect(cache.builds == warm + 1, "rebuilt once the entry expired")
        }
    }

    @Test func hitsAndMissesAreCountedPerCacheAndTier() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            _ = try await bidCount(t, project)
            _ = try await bidCount(t, project)
            let metrics = try await t.request(.GET, "/metrics").text
            #expect(metrics.contains(#"cache_requests_total{cache="projects",tier="l1",result="miss"} 1"#))
            #expect(metrics.contains(#"cache_requests_total{cache="projects",tier="l1",result="hit"} 1"#))
            #expect(metrics.contains(#"cache_hit_ratio{cache="projects"} 0.5"#))
            let health = try await t.request(.GET, "/api/health")
            #expect(health.json["checks"]["cache"]["status"].string == "ok")
        }
    }

    /// A repeated listing is answered whole from the assembled page: no index or card is looked up again.
    @Test func aRepeatedListingIsOneLookup() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            _ = try await t.request(.GET, "/api/v1/projects")
            _ = try await t.request(.GET, "/api/v1/projects")
            let metrics = try await t.request(.GET, "/metrics").text
            #expect(metrics.contains(#"cache_requests_total{cache="listing-pages",tier="l1",result="miss"} 1"#))
            #expect(metrics.contains(#"cache_requests_total{cache="listing-pages",tier="l1",result="hit"} 1"#))
            #expect(metrics.contains(#"cache_requests_total{cache="listings2",tier="l1",result="miss"} 1"#))
            #expect(!metrics.contains(#"cache_requests_total{cache="listings2",tier="l1",result="hit"}"#))
            #expect(metrics.contains(#"cache_requests_total{cache="projects",tier="l1",result="miss"} 1"#))
            #expect(!metrics.contains(#"cache_requests_total{cache="projects",tier="l1",result="hit"}"#))

            // A bid moves the project's generation: the page is assembled again from the index and the new card.
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            let listed = try await t.request(.GET, "/api/v1/projects").json["data"].array
            #expect(listed.first?["bidCount"].int == 1)
            let after = try await t.request(.GET, "/metrics").text
            #expect(after.contains(#"cache_requests_total{cache="listing-pages",tier="l1",result="miss"} 2"#))
            #expect(after.contains(#"cache_requests_total{cache="listings2",tier="l1",result="hit"} 1"#))
        }
    }

    @Test func theCacheCanBeTurnedOff() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            #expect(t.app.cache == nil)
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            #expect(try await bidCount(t, project) == 0)
            _ = try await t.submitBid(try await t.register(.contractor), on: project)
            #expect(try await bidCount(t, project) == 1)
            let health = try await t.request(.GET, "/api/health")
            #expect(health.json["checks"]["cache"]["status"].string == "disabled")
        }
    }
}

@Suite struct CacheStampedeTests {
    @Test func hundredConcurrentMissesBuildOnce() async throws {
        let cache = Cache(
            memoryBytes: 1 << 20, redis: nil, objectStorage: nil, defaultTTL: 60, metrics: nil,
            logger: Logger(label: "test"), now: { Date() })
        let builds = NIOLockedValueBox(0)
        let values = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<100 {
                group.addTask {
                    try await cache.value("test", key: "slow", scopes: ["thing"]) {
                        builds.withLockedValue { $0 += 1 }
                        try await Task.sleep(for: .milliseconds(200))
                        return Array("built".utf8)
                    }
                }
            }
            return try await group.reduce(into: [[UInt8]]()) { $0.append($1) }
        }
        #expect(builds.withLockedValue { $0 } == 1)
        #expect(values.count == 100 && values.allSatisfy { $0 == Array("built".utf8) })
    }

    @Test func concurrentColdReadsOfAProjectReadTheDatabaseOnce() async throws {
        try await TestApp.run { t in
            let cache = try #require(t.app.cache)
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let before = cache.builds
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await t.request(.GET, "/api/v1/projects/\(project)").status.code }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(cache.builds - before == 1)
        }
    }

    @Test func memoryTierEvictsLeastRecentlyUsedWithinItsBudget() {
        let tier = MemoryTier(capacityBytes: 1_000)
        let now = Date()
        tier.set("a", [UInt8](repeating: 1, count: 300), ttl: 60, now: now)
        tier.set("b", [UInt8](repeating: 2, count: 300), ttl: 60, now: now)
        _ = tier.get("a", now: now)  // a is now the most recent
        tier.set("c", [UInt8](repeating: 3, count: 300), ttl: 60, now: now)
        #expect(tier.get("b", now: now) == nil, "b was the least recently used")
        #expect(tier.get("a", now: now) != nil && tier.get("c", now: now) != nil)
        #expect(tier.bytes <= 1_000)
        tier.set("huge", [UInt8](repeating: 4, count: 5_000), ttl: 60, now: now)
        #expect(
            tier.get("huge", now: now) == nil && tier.get("a", now: now) != nil, "an entry over the budget is not kept")
        #expect(tier.get("a", now: now.addingTimeInterval(61)) == nil, "expired")
    }

    @Test func packedValuesRoundTrip() {
        let values: [[UInt8]?] = [[1, 2, 3], nil, [], [255]]
        #expect(Cache.unpack(Cache.pack(values)) == values)
    }
}

@Suite(.enabled(if: RedisServer.available, "redis-server is not installed"))
struct SharedCacheTests {
    @Test func redisRestartMidRunBypassesThenServesFreshValues() async throws {
        try await RedisServer.run { redis in
            // A generous Redis timeout: on a loaded CI machine a slow answer past the 500 ms default would already
            // send the cache into bypass before the outage this test makes (a stopped Redis refuses at once).
            try await TestApp.run(environment: ["REDIS_URL": redis.url, "REDIS_TIMEOUT_MS": "10000"]) { t in
                let cache = try #require(t.app.cache)
                let owner = try await t.register(.owner)
                let project = try await t.openProject(owner)
                #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["bidCount"].int == 0)
                #expect(try await t.request(.GET, "/api/health").json["checks"]["cache"]["status"].string == "ok")
                #expect(try await t.request(.GET, "/api/v1/projects").json["data"][0]["bidCount"].int == 0)

                await redis.stop()
                _ = try await t.submitBid(try await t.register(.contractor), on: project)
                let during = try await t.request(.GET, "/api/v1/projects/\(project)")
                #expect(during.status == .ok && during.json["bidCount"].int == 1, "bypassed, not stale, not an error")
                let listedDuring = try await t.request(.GET, "/api/v1/projects")
                #expect(listedDuring.status == .ok && listedDuring.json["data"][0]["bidCount"].int == 1)
                let health = try await t.request(.GET, "/api/health")
                #expect(health.json["checks"]["cache"]["status"].string == "degraded")

                try await redis.start()
                t.clock.advance(by: Cache.retryInterval + 1)
                #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["bidCount"].int == 1)
                // The reconnect to the restarted Redis may take a moment on a loaded machine; a retry that came too
                // early is tried again only a retry interval later on the application's clock, so that clock moves too.
                for _ in 0..<50 where cache.status != "ok" {
                    try await Task.sleep(for: .milliseconds(100))
                    t.clock.advance(by: Cache.retryInterval + 1)
                    _ = try await t.request(.GET, "/api/v1/projects/\(project)")
                }
                #expect(cache.status == "ok")
                _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
                #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["bidCount"].int == 2)
                // The assembled listing page too: rebuilt after the outage, then moved by the new bid.
                #expect(try await t.request(.GET, "/api/v1/projects").json["data"][0]["bidCount"].int == 2)
            }
        }
    }

    @Test func aSecondInstanceSharesEntriesAndGenerations() async throws {
        try await RedisServer.run { redis in
            let shared = try await RedisClientFixture.client(redis.url)
            let a = Cache(
                memoryBytes: 1 << 20, redis: shared, objectStorage: nil, defaultTTL: 60, metrics: nil,
                logger: Logger(label: "a"), now: { Date() })
            let b = Cache(
                memoryBytes: 1 << 20, redis: shared, objectStorage: nil, defaultTTL: 60, metrics: nil,
                logger: Logger(label: "b"), now: { Date() })
            let first = try await a.value("t", key: "k", scopes: ["project:x"]) { Array("one".utf8) }
            let fromB = try await b.value("t", key: "k", scopes: ["project:x"]) { Array("rebuilt".utf8) }
            #expect(first == Array("one".utf8) && fromB == Array("one".utf8), "b found a's entry in Redis")
            await a.invalidate(["project:x"])
            try await Task.sleep(for: CacheGenerations.mirrorLifetime + .milliseconds(20))
            let after = try await b.value("t", key: "k", scopes: ["project:x"]) { Array("two".utf8) }
            #expect(after == Array("two".utf8), "a's write reached b within the mirror's lifetime")
            await shared.close()
        }
    }
}

@Suite struct ListingStatementTests {
    /// The listing's page, bid counts and total come from one statement (no query per project).
    @Test func theListingIsOneStatement() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            for index in 0..<5 {
                let project = try await t.openProject(owner, t.projectJSON(title: "Counted \(index)"))
                _ = try await t.submitBid(try await t.register(.contractor), on: project)
            }
            let recorder = StatementRecorder()
            var logger = Logger(label: "sql") { _ in recorder }
            logger.logLevel = .trace
            let db = t.app.databases.database(logger: logger, on: t.app.eventLoopGroup.next())!
            let filter = try ProjectFilter(ProjectFilter.Raw(), paging: try Paging(page: 1, limit: 20))
            let listing = try await ProjectQueries.list(filter, caller: nil, on: db)
            #expect(listing.rows.count == 5 && listing.total == 5 && listing.rows.allSatisfy { $0.bidCount == 1 })
            #expect(!listing.totalIsEstimate && !listing.hasMore)
            // The last page tells its own total: one statement, and it does not count every match.
            #expect(recorder.statements.count == 1, "\(recorder.statements)")
            #expect(recorder.statements.first?.uppercased().contains("COUNT(*) OVER") == false)
        }
    }
}

/// Counts the SQL statements the drivers log at trace level.
final class StatementRecorder: LogHandler, @unchecked Sendable {
    private let lock = NIOLock()
    private var recorded: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    var statements: [String] { lock.withLock { recorded } }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        let text =
            message.description + " "
            + (metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let upper = text.uppercased()
        guard
            upper.contains("SELECT") || upper.contains("INSERT") || upper.contains("UPDATE") || upper.contains("DELETE")
        else { return }
        lock.withLock { recorded.append(text) }
    }
}

enum RedisClientFixture {
    static func client(_ url: String) async throws -> RedisClient {
        RedisClient(configuration: try RedisClient.Configuration(url: url, poolSize: 2))
    }
}

@Suite struct KeysetPaginationTests {
    func walk(_ t: TestApp, sort: String) async throws -> [String] {
        var ids: [String] = []
        var query = "/api/v1/projects?limit=10&sort=\(sort)"
        var pages = 0
        while true {
            let r = try await t.request(.GET, query)
            try #require(r.status == .ok, "\(r.text)")
            ids += r.json["data"].array.compactMap { $0["id"].string }
            pages += 1
            #expect(r.json["pagination"]["total"].int == 25)
            #expect(r.json["pagination"]["page"].int.map { Int($0) } == pages)
            guard let next = r.json["pagination"]["nextCursor"].string else { break }
            query = "/api/v1/projects?limit=10&sort=\(sort)&cursor=\(next)"
            try #require(pages < 10)
        }
        #expect(pages == 3)
        return ids
    }

    @Test(arguments: ["true", "false"]) func cursorsWalkEveryProjectOnceInOrder(cacheEnabled: String) async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": cacheEnabled]) { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            for index in 0..<25 {
                // Ties on created_at (the clock stands still) and distinct times both occur.
                if index % 3 == 0 { t.clock.advance(by: 1) }
                _ = try await t.openProject(
                    owner, t.projectJSON(title: "Keyset \(index)", dueInDays: Double(1 + index % 7)))
            }
            for sort in ["-createdAt", "createdAt", "bidDueAt"] {
                let byCursor = try await walk(t, sort: sort)
                var byPage: [String] = []
                for page in 1...3 {
                    byPage += try await t.request(.GET, "/api/v1/projects?limit=10&sort=\(sort)&page=\(page)").json[
                        "data"
                    ].array
                        .compactMap { $0["id"].string }
                }
                #expect(byCursor.count == 25 && Set(byCursor).count == 25, "\(sort): every project exactly once")
                #expect(byCursor == byPage, "\(sort): the same order as page numbers")
            }
            let first = try await t.request(.GET, "/api/v1/projects?limit=10")
            let cursor = try #require(first.json["pagination"]["nextCursor"].string)
            #expect(
                try await t.request(.GET, "/api/v1/projects?limit=10&page=2&cursor=\(cursor)").status == .badRequest)
            #expect(
                try await t.request(.GET, "/api/v1/projects?limit=10&sort=bidDueAt&cursor=\(cursor)").status
                    == .badRequest)
            #expect(try await t.request(.GET, "/api/v1/projects?cursor=not-a-cursor").status == .badRequest)
            // Forged sort keys no listing hands out (NaN, infinity, times beyond year 9999 or before year 1): a 400,
            // never bound — the driver traps on a time it cannot encode, which took the whole process down.
            for seconds in [Double.nan, .infinity, -.infinity, 1e13, -1e12, 253_402_300_800] {
                let forged = ListingCursor(sort: .createdAtDesc, key: seconds.bitPattern, id: UUID(), page: 2).text
                let r = try await t.request(.GET, "/api/v1/projects?cursor=\(forged)")
                #expect(r.status == .badRequest, "\(seconds): \(r.status)")
                #expect(r.json["error"]["details"]["cursor"].string != nil, "\(r.text)")
            }
            let year9999 = ListingCursor(sort: .createdAtDesc, key: 253_402_300_799.0.bitPattern, id: UUID(), page: 2)
            #expect(try await t.request(.GET, "/api/v1/projects?cursor=\(year9999.text)").status == .ok)
        }
    }
}

@Suite struct ListingEncodingTests {
    @Test func queryParametersReadOnceDecodeAndReportBadNumbers() {
        let query = QueryParameters(
            "q=clinic+fit-out&state=TX&trade=26&trade=03&limit=x&mine=maybe&city=San%20Antonio&empty=")
        #expect(query["q"] == "clinic fit-out" && query["state"] == "TX" && query["trade"] == "26")
        #expect(query["city"] == "San Antonio" && query["empty"] == "" && query["missing"] == nil)
        var errors = ValidationErrors()
        #expect(query.int("limit", into: &errors) == nil && query.bool("mine", into: &errors) == nil)
        #expect(
            errors.problems["limit"] == "must be a whole number" && errors.problems["mine"] == "must be true or false")
    }

    @Test func theListingIndexRoundTrips() {
        let index = ProjectListingCache.Index(
            ids: [UUID(), UUID(), UUID()], total: 1_234_567, totalIsEstimate: true, nextCursor: "djF8LWNyZWF0ZWRBdA")
        #expect(ProjectListingCache.Index(index.bytes) == index)
        let empty = ProjectListingCache.Index(ids: [], total: 0, totalIsEstimate: false, nextCursor: nil)
        #expect(ProjectListingCache.Index(empty.bytes) == empty)
        #expect(ProjectListingCache.Index([1, 2, 3]) == nil)
    }

    @Test func badListingParametersAreRefusedByName() async throws {
        try await TestApp.run { t in
            let r = try await t.request(.GET, "/api/v1/projects?minBudgetCents=lots&page=zero")
            #expect(r.status == .badRequest)
            #expect(r.json["error"]["details"]["minBudgetCents"].string == "must be a whole number")
            #expect(r.json["error"]["details"]["page"].string == "must be a whole number")
        }
    }
}

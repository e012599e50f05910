import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import BidForge

/// Collects what a bus delivers, for assertions.
final class DeliveryRecorder: Sendable {
    private let received = NIOLockedValueBox<[Delivery]>([])
    private let task: Task<Void, Never>

    init(_ bus: any EventBus) {
        let stream = bus.subscribe()
        let received = self.received
        task = Task { for await delivery in stream { received.withLockedValue { $0.append(delivery) } } }
    }

    var deliveries: [Delivery] { received.withLockedValue { $0 } }

    /// Waits (up to two seconds) until `predicate` holds for what has arrived.
    func wait(until predicate: ([Delivery]) -> Bool) async -> [Delivery] {
        for _ in 0..<200 {
            let now = deliveries
            if predicate(now) { return now }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return deliveries
    }

    deinit { task.cancel() }
}

@Suite struct OutboxTests {
    func pending(_ t: TestApp, type: String? = nil) async throws -> [OutboxEventModel] {
        var query = OutboxEventModel.query(on: t.app.db).filter(\.$dispatchedAt == nil)
        if let type { query = query.filter(\.$type == type) }
        return try await query.all()
    }

    @Test func eventsCommitWithTheirChangeAndNotWithoutIt() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let first = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token, json: Self.bid, drainOutbox: false)
            #expect(first.status == .created)
            #expect(try await pending(t, type: "bid.submitted").count == 1)
            #expect(try await t.notifications(owner).isEmpty, "not consumed yet")
            try await t.app.outbox.drain()
            #expect(try await pending(t).isEmpty)
            #expect(try await t.notifications(owner).contains { $0["type"].string == "BID_SUBMITTED" })
            // A refused bid (409 BID_EXISTS) rolls back: no event, no notification.
            let second = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token, json: Self.bid, drainOutbox: false)
            #expect(second.errorCode == "BID_EXISTS")
            #expect(try await pending(t).isEmpty)
            #expect(try await OutboxEventModel.query(on: t.app.db).filter(\.$type == "bid.submitted").count() == 1)
        }
    }

    static let bid = #"{"amountCents": 1500000}"#

    @Test func deliveriesReachTheBusWithTheirEventId() async throws {
        try await TestApp.run { t in
            let recorder = DeliveryRecorder(t.app.eventBus)
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let bidId = try await t.submitBid(sub, on: project)
            let got = await recorder.wait { d in
                d.contains { $0.type == "bid.submitted" } && d.contains { $0.type == "notification.created" }
            }
            let pushed = try #require(got.first { $0.type == "bid.submitted" })
            #expect(pushed.companyIds == [owner.companyId] && pushed.userIds.isEmpty)
            #expect(
                pushed.data
                    == .object([
                        "projectId": .string(project.lowercasedString), "bidId": .string(bidId.lowercasedString),
                        "companyId": .string(sub.companyId.lowercasedString)
                    ]))
            let notified = try #require(got.first { $0.type == "notification.created" })
            #expect(
                notified.companyIds == [owner.companyId] && notified.userIds.isEmpty
                    && notified.eventId == pushed.eventId)
            if case .object(let n) = notified.data {
                #expect(n["type"] == .string("BID_SUBMITTED"))
            } else {
                Issue.record("no notification data")
            }
            #expect(
                !got.contains { $0.userIds.contains(sub.userId) || $0.companyIds.contains(sub.companyId) },
                "the bidder is told nothing")
        }
    }

    @Test func redeliveringAnEventCreatesNothingTwice() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(sub, on: project)
            let event = try #require(
                try await OutboxEventModel.query(on: t.app.db).filter(\.$type == "bid.submitted").first())
            let before = try await NotificationModel.query(on: t.app.db).count()
            let again = try await t.app.write { db in try await t.app.outbox.consumer.consume(event, on: db) }
            #expect(try await NotificationModel.query(on: t.app.db).count() == before)
            #expect(again.allSatisfy { $0.type != "notification.created" })
        }
    }

    @Test func aPoisonEventIsRetriedThenParkedWithoutBlockingOthers() async throws {
        try await TestApp.run { t in
            let poison = OutboxEventModel()
            poison.type = "bid.submitted"
            poison.payload = "{not json"
            poison.createdAt = t.clock.now
            poison.attempts = 0
            try await t.app.write { db in try await poison.create(on: db) }
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(sub, on: project)
            let parked = try #require(try await OutboxEventModel.find(poison.id!, on: t.app.db))
            #expect(parked.dispatchedAt != nil && parked.attempts == OutboxDispatcher.maxAttempts)
            #expect(parked.lastError?.contains("cannot be decoded") == true)
            #expect(try await t.notifications(owner).contains { $0["type"].string == "BID_SUBMITTED" })
            #expect(try await pending(t).isEmpty)
        }
    }

    @Test func theRunningDispatcherPicksUpCommittedEventsByItself() async throws {
        try await TestApp.run { t in
            t.app.outbox.start()
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: sub.token, json: Self.bid, drainOutbox: false)
            var dispatched = false
            for _ in 0..<200 where !dispatched {
                dispatched = try await pending(t).isEmpty
                if !dispatched { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(dispatched)
            let list = try await t.request(.GET, "/api/v1/notifications", token: owner.token, drainOutbox: false)
            #expect(list.json["data"].array.contains { $0["type"].string == "BID_SUBMITTED" })
            // Idle, it polls every 200 ms: its own empty rounds once woke it again at once, forever (half a core).
            let before = t.app.outbox.roundsRun
            try await Task.sleep(for: .seconds(1))
            let idleRounds = t.app.outbox.roundsRun - before
            #expect(idleRounds <= 12, "an idle dispatcher ran \(idleRounds) rounds in a second")
            await t.app.outbox.stop()
        }
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "SKIP LOCKED is PostgreSQL's"))
    func dispatchersOnSeveralInstancesNeverTakeTheSameEvent() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            // nothing drains behind our back
            t.app.outbox = OutboxDispatcher(app: t.app, bus: InProcessEventBus(), consumer: t.app.outbox.consumer)
            let project = try await t.openProject(owner)
            var bidders: [Member] = []
            for _ in 0..<30 { bidders.append(try await t.register(.subcontractor)) }
            for bidder in bidders {
                _ = try await t.request(
                    .POST, "/api/v1/projects/\(project)/bids", token: bidder.token, json: Self.bid, drainOutbox: false)
            }
            #expect(try await pending(t, type: "bid.submitted").count == 30)
            let buses = (0..<4).map { _ in InProcessEventBus() }
            let recorders = buses.map(DeliveryRecorder.init)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bus in buses {
                    let dispatcher = OutboxDispatcher(app: t.app, bus: bus, consumer: t.app.outbox.consumer)
                    group.addTask { try await dispatcher.drain() }
                }
                try await group.waitForAll()
            }
            let pushes = recorders.flatMap(\.deliveries).filter { $0.type == "bid.submitted" }
            #expect(pushes.count == 30)
            #expect(Set(pushes.map(\.eventId)).count == 30, "each event published by exactly one dispatcher")
            #expect(Set(recorders.map { $0.deliveries.isEmpty }).contains(false))
            let notes = try await NotificationModel.query(on: t.app.db).filter(\.$type == "BID_SUBMITTED").count()
            #expect(notes == 30)
        }
    }
}

@Suite struct OutboxBatchTests {
    /// A burst is claimed and finished in batches: one transaction takes the 50 oldest, the next the rest.
    @Test func aBurstIsDispatchedInBatchesOfFifty() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            t.app.outbox = OutboxDispatcher(app: t.app, bus: InProcessEventBus(), consumer: t.app.outbox.consumer)
            let project = try await t.openProject(owner)
            var bidders: [Member] = []
            for _ in 0..<60 { bidders.append(try await t.register(.subcontractor)) }
            for bidder in bidders {
                _ = try await t.request(
                    .POST, "/api/v1/projects/\(project)/bids", token: bidder.token, json: OutboxTests.bid,
                    drainOutbox: false)
            }
            func pending() async throws -> Int {
                try await OutboxEventModel.query(on: t.app.db).filter(\.$dispatchedAt == nil).count()
            }
            let before = try await pending()
            #expect(before == 60)
            #expect(try await t.app.outbox.dispatchBatch())
            #expect(try await pending() == before - OutboxDispatcher.batchSize)
            try await t.app.outbox.drain()
            #expect(try await pending() == 0)
            let written = try await NotificationModel.query(on: t.app.db).filter(\.$companyId == owner.companyId)
                .filter(\.$type == "BID_SUBMITTED").count()
            #expect(written == 60, "every event's notification was written once")
        }
    }
}

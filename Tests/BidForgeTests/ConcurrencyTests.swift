import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct ConcurrencyTests {
    @Test func twentyRetriesWithOneIdempotencyKeyMakeOneBid() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<20 { group.addTask { try await t.bid(sub, on: project, amount: 77_700, key: "retry-me") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.allSatisfy { $0.status == .created }, "\(responses.map(\.status.code))")
            #expect(Set(responses.map(\.text)).count == 1, "every retry gets the first response, byte for byte")
            let bids = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token)
            #expect(bids.json["pagination"]["total"].int == 1)
            #expect(try await t.notifications(owner).count == 1)

            // The same key with another body is refused; a new key is a new request.
            let mismatch = try await t.bid(sub, on: project, amount: 1, key: "retry-me")
            #expect(mismatch.status == .conflict && mismatch.errorCode == "IDEMPOTENCY_MISMATCH")
            let other = try await t.bid(sub, on: project, amount: 77_700, key: "another")
            #expect(other.errorCode == "BID_EXISTS")
            // Replays include refusals: the same failed request answers the same way.
            let replay = try await t.bid(sub, on: project, amount: 77_700, key: "another")
            #expect(replay.errorCode == "BID_EXISTS" && replay.text == other.text)
        }
    }

    @Test func idempotentProjectCreation() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let first = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(),
                headers: ["Idempotency-Key": "p-1"])
            let second = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(),
                headers: ["Idempotency-Key": "p-1"])
            #expect(first.status == .created && second.status == .created, "\(second.status) \(second.text)")
            #expect(first.json["id"].string == second.json["id"].string)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(
                try await t.request(.GET, "/api/v1/projects?mine=true", token: owner.token).json["pagination"]["total"]
                    .int == 1)
            // Keys belong to a user: another user's identical key is independent.
            let colleague = try await t.join(owner, role: .owner)
            let theirs = try await t.request(
                .POST, "/api/v1/projects", token: colleague.token, body: t.projectJSON(),
                headers: ["Idempotency-Key": "p-1"])
            #expect(theirs.status == .created && theirs.json["id"].string != first.json["id"].string)
        }
    }

    @Test func twentyCompaniesBiddingAtOnceAllLand() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            var bidders: [Member] = []
            for _ in 0..<20 { bidders.append(try await t.register(.subcontractor)) }
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for (i, bidder) in bidders.enumerated() {
                    group.addTask { try await t.bid(bidder, on: project, amount: Int64(100_000 + i)).status.code }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 201, count: 20))
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)").json["bidCount"].int == 20)
            let listed = try await t.request(.GET, "/api/v1/projects/\(project)/bids?limit=100", token: owner.token)
            #expect(Set(listed.json["data"].array.compactMap(\.["companyId"].uuid)) == Set(bidders.map(\.companyId)))
            #expect(try await t.notifications(owner).count == 20)
        }
    }

    @Test func twoSimultaneousAwardsYieldOneWinner() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let a = try await t.submitBid(try await t.register(.subcontractor), on: project, amount: 100)
            let b = try await t.submitBid(try await t.register(.subcontractor), on: project, amount: 200)
            try await t.close(owner, project)
            let results = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for bid in [a, b] {
                    group.addTask {
                        try await t.request(
                            .POST, "/api/v1/projects/\(project)/award", token: owner.token,
                            body: ["bidId": bid.uuidString])
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.map(\.status.code).sorted() == [200, 409], "\(results.map(\.text))")
            let bids = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token).json["data"]
                .array
            #expect(bids.filter { $0["status"].string == "ACCEPTED" }.count == 1)
            #expect(bids.filter { $0["status"].string == "REJECTED" }.count == 1)
            let winner = results.first { $0.status == .ok }!.json["awardedBidId"].uuid
            #expect(bids.first { $0["status"].string == "ACCEPTED" }?["id"].uuid == winner)
        }
    }

    @Test func concurrentBidsFromOneCompanyRespectTheMonthlyLimit() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            let sub = try await t.register(.subcontractor)
            var projects: [UUID] = []
            for _ in 0..<14 { projects.append(try await t.openProject(owner)) }
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for p in projects { group.addTask { try await t.bid(sub, on: p).status.code } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 10)
            #expect(statuses.filter { $0 == 402 }.count == 4)
        }
    }
}

import Foundation
import Testing
import Vapor

@testable import BidForge

@Suite struct ConversationsTests {
    func open(_ t: TestApp, _ member: Member, project: UUID, company: UUID? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["projectId": .string(project.uuidString)]
        if let company { body["companyId"] = .string(company.uuidString) }
        return try await t.request(.POST, "/api/v1/conversations", token: member.token, body: body)
    }

    func post(_ t: TestApp, _ member: Member, _ conversation: String, _ text: String) async throws -> TestResponse {
        try await t.request(
            .POST, "/api/v1/conversations/\(conversation)/messages", token: member.token, body: ["body": text])
    }

    func unread(_ t: TestApp, _ member: Member) async throws -> Int? {
        try await t.request(.GET, "/api/v1/conversations", token: member.token).json["data"][0]["unreadCount"].int
    }

    @Test func onePairOneThreadFromEitherSide() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let first = try await open(t, sub, project: project)
            #expect(first.status == .created)
            #expect(
                first.json["companyId"].uuid == sub.companyId && first.json["ownerCompanyId"].uuid == owner.companyId)
            #expect(first.json["projectTitle"].string == "Clinic fit-out" && first.json["unreadCount"].int == 0)
            let again = try await open(t, sub, project: project)
            #expect(again.status == .ok && again.json["id"].string == first.json["id"].string)
            // The owner may message the bidder once it has bid (or been invited): the same thread.
            _ = try await t.submitBid(sub, on: project)
            let fromOwner = try await open(t, owner, project: project, company: sub.companyId)
            #expect(fromOwner.status == .ok && fromOwner.json["id"].string == first.json["id"].string)
        }
    }

    @Test func theOwnerNamesAnInvitedOrBiddingCompany() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let stranger = try await t.register(.subcontractor)
            let invited = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [invited.companyId.uuidString]])
            #expect(try await open(t, owner, project: project).errorCode == "VALIDATION_FAILED")
            #expect(
                try await open(t, owner, project: project, company: owner.companyId).errorCode == "VALIDATION_FAILED")
            #expect(try await open(t, owner, project: project, company: UUID()).status == .notFound)
            #expect(try await open(t, owner, project: project, company: stranger.companyId).status == .forbidden)
            #expect(try await open(t, owner, project: project, company: invited.companyId).status == .created)
            // A bidder cannot open a thread on someone else's behalf.
            #expect(
                try await open(t, invited, project: project, company: stranger.companyId).errorCode
                    == "VALIDATION_FAILED")
        }
    }

    @Test func onlyTheTwoCompaniesSeeTheThread() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let outsider = try await t.register(.contractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            #expect(try await post(t, sub, id, "Is the slab post-tensioned?").status == .created)
            for path in ["/api/v1/conversations/\(id)/messages"] {
                #expect(try await t.request(.GET, path, token: outsider.token).status == .notFound)
            }
            #expect(try await post(t, outsider, id, "let me in").status == .notFound)
            #expect(
                try await t.request(.POST, "/api/v1/conversations/\(id)/read", token: outsider.token).status
                    == .notFound)
            #expect(
                try await t.request(.GET, "/api/v1/conversations", token: outsider.token).json["data"].array.isEmpty)
            #expect(try await t.request(.GET, "/api/v1/conversations/\(id)/messages").status == .unauthorized)
            // An invite-only project the outsider was not invited to does not exist for it.
            let hidden = try await t.openProject(owner, t.projectJSON(visibility: "INVITE_ONLY"))
            #expect(try await open(t, outsider, project: hidden).status == .notFound)
            // Owners of other companies do not bid, so they do not open threads with an owner.
            let otherOwner = try await t.register(.owner)
            #expect(try await open(t, otherOwner, project: project).status == .forbidden)
        }
    }

    @Test func bodiesAreStoredExactlyAndValidated() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            let exact = "  <script>alert('x')</script> & \"quotes\" — 配管 🚧\nline two  "
            let created = try await post(t, sub, id, exact)
            #expect(created.status == .created && created.json["body"].string == exact)
            let listed = try await t.request(.GET, "/api/v1/conversations/\(id)/messages", token: owner.token)
            #expect(listed.json["data"][0]["body"].string == exact)
            #expect(listed.json["data"][0]["senderName"].string == "Pat Tester")
            #expect(try await post(t, sub, id, "").errorCode == "VALIDATION_FAILED")
            #expect(try await post(t, sub, id, "   ").errorCode == "VALIDATION_FAILED")
            #expect(try await post(t, sub, id, "a\u{0}b").errorCode == "VALIDATION_FAILED")
            #expect(try await post(t, sub, id, String(repeating: "x", count: 10_001)).errorCode == "VALIDATION_FAILED")
            #expect(try await post(t, sub, id, String(repeating: "é", count: 10_000)).status == .created)
        }
    }

    @Test func olderMessagesPageByCursor() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            for n in 1...5 {
                _ = try await post(t, n.isMultiple(of: 2) ? owner : sub, id, "message \(n)")
                t.clock.advance(by: 1)
            }
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let query = "limit=2" + (cursor.map { "&before=\($0)" } ?? "")
                let page = try await t.request(.GET, "/api/v1/conversations/\(id)/messages?\(query)", token: sub.token)
                #expect(page.status == .ok)
                seen += page.json["data"].array.compactMap { $0["body"].string }
                cursor = page.json["nextBefore"].string
            } while cursor != nil && seen.count < 10
            #expect(seen == ["message 5", "message 4", "message 3", "message 2", "message 1"])

            let otherProject = try await t.openProject(owner)
            let other = try #require(try await open(t, sub, project: otherProject).json["id"].string)
            let foreign = try #require(try await post(t, sub, other, "elsewhere").json["id"].string)
            let bad = try await t.request(
                .GET, "/api/v1/conversations/\(id)/messages?before=\(foreign)", token: sub.token)
            #expect(bad.errorCode == "VALIDATION_FAILED")
        }
    }

    @Test func unreadCountsArePerUserAndTheSendersOwnMessagesAreRead() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let colleague = try await t.join(owner, role: .owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            for n in 1...3 { _ = try await post(t, sub, id, "question \(n)") }
            #expect(try await unread(t, owner) == 3)
            #expect(try await unread(t, colleague) == 3)
            #expect(try await unread(t, sub) == 0)
            #expect(
                try await t.request(.POST, "/api/v1/conversations/\(id)/read", token: owner.token).status == .noContent)
            #expect(try await unread(t, owner) == 0)
            #expect(try await unread(t, colleague) == 3)
            t.clock.advance(by: 1)
            _ = try await post(t, sub, id, "one more")
            #expect(try await unread(t, owner) == 1)
            _ = try await post(t, owner, id, "answered")
            #expect(try await unread(t, owner) == 0, "replying reads the thread")
            #expect(try await unread(t, sub) == 1)
        }
    }

    @Test func theOtherCompanyIsNotified() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            _ = try await post(t, sub, id, "When is the walkthrough?")
            let received = try await t.notifications(owner).filter { $0["type"].string == "MESSAGE_RECEIVED" }
            #expect(received.count == 1)
            #expect(received.first?["data"]["conversationId"].string == id)
            #expect(received.first?["body"].string == "When is the walkthrough?")
            #expect(try await t.notifications(sub).allSatisfy { $0["type"].string != "MESSAGE_RECEIVED" })
        }
    }

    static let writers = 10

    @Test func concurrentMessagesAreNumberedWithoutGapsOrClashes() async throws {
        // Each waiting writer holds a pooled connection while it waits for the thread's row lock (TestApp waits long
        // for a connection: the pool's 503 is tested elsewhere, this test is about numbering).
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let id = try #require(try await open(t, sub, project: project).json["id"].string)
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                // Ten writers at once: enough to race on the thread's numbering, few enough not to exhaust the
                // test app's small pool while the whole suite runs in parallel (that is a 503, tested elsewhere).
                for n in 0..<Self.writers {
                    group.addTask { try await post(t, n.isMultiple(of: 2) ? owner : sub, id, "burst \(n)").status.code }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == 201 }, "\(statuses)")
            let page = try await t.request(.GET, "/api/v1/conversations/\(id)/messages?limit=100", token: owner.token)
            #expect(page.json["data"].array.count == Self.writers)
            #expect(Set(page.json["data"].array.compactMap { $0["body"].string }).count == Self.writers)
        }
    }
}

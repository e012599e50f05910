import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct InvitationsAndQuestionsTests {
    /// A PUBLIC project's detail is answered from the cached card without the database; the invited company's read
    /// must still mark its invitation VIEWED.
    @Test func readingAPublicProjectFromTheCacheMarksTheInvitationViewed() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let invitee = try await t.register(.subcontractor)
            #expect(
                try await t.request(
                    .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                    body: ["companyIds": [invitee.companyId.uuidString]]
                ).status == .created)
            _ = try await t.request(.GET, "/api/v1/projects/\(project)")  // warms the cached card
            _ = try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token)
            func status() async throws -> String? {
                try await t.request(.GET, "/api/v1/projects/\(project)/invitations", token: owner.token).json["data"][
                    0]["status"].string
            }
            #expect(try await status() == "PENDING", "neither an anonymous read nor the owner's marks it")
            #expect(try await t.request(.GET, "/api/v1/projects/\(project)", token: invitee.token).status == .ok)
            #expect(try await status() == "VIEWED")
        }
    }

    @Test func inviteByCompanyAndByMatch() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let electricianTX = try await t.register(
                .subcontractor, company: "Lone Star Electric", trades: ["26"], states: ["TX"])
            let electricianCA = try await t.register(
                .subcontractor, company: "Golden Electric", trades: ["26"], states: ["CA"])
            let painterTX = try await t.register(
                .subcontractor, company: "Brush Bros", trades: ["09"], states: ["TX", "OK"])
            let ownerLike = try await t.register(.owner, company: "Other Owner", trades: ["26"], states: ["TX"])
            let project = try await t.createProject(owner, t.projectJSON(visibility: "INVITE_ONLY"))

            let byMatch = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["match": ["trades": ["26"], "states": ["TX"]]] as [String: JSONValue])
            #expect(byMatch.status == .created)
            #expect(byMatch.json["data"].array.compactMap(\.["companyId"].uuid) == [electricianTX.companyId])
            _ = ownerLike
            _ = electricianCA

            let byId = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: [
                    "companyIds": [.string(painterTX.companyId.uuidString), .string(electricianTX.companyId.uuidString)]
                ] as [String: JSONValue])
            #expect(byId.json["data"].array.count == 2)  // the earlier invitation is returned, not duplicated
            let list = try await t.request(.GET, "/api/v1/projects/\(project)/invitations", token: owner.token)
            #expect(list.json["pagination"]["total"].int == 2)
            #expect(
                Set(list.json["data"].array.compactMap(\.["companyName"].string)) == [
                    "Lone Star Electric", "Brush Bros"
                ])
            #expect(list.json["data"].array.allSatisfy { $0["status"].string == "PENDING" })

            // Nobody is told while the project is a draft; publishing tells every invitee.
            #expect(try await t.notifications(painterTX).isEmpty)
            #expect(try await t.request(.GET, "/api/v1/invitations", token: painterTX.token).json["data"].array.isEmpty)
            _ = try await t.request(.POST, "/api/v1/projects/\(project)/publish", token: owner.token)
            #expect(try await t.notifications(painterTX).map { $0["type"].string } == ["INVITATION_RECEIVED"])

            let inbox = try await t.request(.GET, "/api/v1/invitations", token: painterTX.token)
            let invitation = inbox.json["data"][0]
            #expect(invitation["project"]["id"].uuid == project)
            let invitationId = try #require(invitation["id"].uuid)

            _ = try await t.request(.GET, "/api/v1/projects/\(project)", token: painterTX.token)
            let viewed = try await t.request(.GET, "/api/v1/projects/\(project)/invitations", token: owner.token)
            #expect(
                viewed.json["data"].array.first { $0["companyId"].uuid == painterTX.companyId }?["status"].string
                    == "VIEWED")

            let decline = try await t.request(
                .POST, "/api/v1/invitations/\(invitationId)/respond", token: painterTX.token,
                body: ["response": "DECLINED"])
            #expect(
                decline.status == .ok && decline.json["status"].string == "DECLINED"
                    && !decline.json["respondedAt"].isNull)
            let willBid = try await t.request(
                .POST, "/api/v1/invitations/\(invitationId)/respond", token: painterTX.token,
                body: ["response": "WILL_BID"])
            #expect(willBid.json["status"].string == "WILL_BID")
            let bogus = try await t.request(
                .POST, "/api/v1/invitations/\(invitationId)/respond", token: painterTX.token,
                body: ["response": "MAYBE"])
            #expect(bogus.status == .badRequest)
            #expect(
                try await t.request(
                    .POST, "/api/v1/invitations/\(invitationId)/respond", token: electricianCA.token,
                    body: ["response": "WILL_BID"]
                ).status == .notFound)

            _ = try await t.submitBid(painterTX, on: project)
            let afterBid = try await t.request(.GET, "/api/v1/projects/\(project)/invitations", token: owner.token)
            #expect(
                afterBid.json["data"].array.first { $0["companyId"].uuid == painterTX.companyId }?["status"].string
                    == "BID_SUBMITTED")
            let late = try await t.request(
                .POST, "/api/v1/invitations/\(invitationId)/respond", token: painterTX.token,
                body: ["response": "DECLINED"])
            #expect(late.errorCode == "INVALID_TRANSITION")

            // Invitees see invite-only projects in the listing; outsiders do not.
            #expect(
                try await t.request(.GET, "/api/v1/projects", token: electricianTX.token).json["data"].array.count == 1)
            #expect(
                try await t.request(.GET, "/api/v1/projects", token: electricianCA.token).json["data"].array.isEmpty)
            #expect(try await t.bid(electricianCA, on: project).status == .notFound)
        }
    }

    @Test func invitationRefusals() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let path = "/api/v1/projects/\(project)/invitations"
            #expect(
                try await t.request(.POST, path, token: owner.token, body: [String: JSONValue]()).status == .badRequest)
            #expect(
                try await t.request(
                    .POST, path, token: owner.token,
                    body: ["companyIds": [.string(UUID().uuidString)]] as [String: JSONValue]
                ).status == .badRequest)
            #expect(
                try await t.request(
                    .POST, path, token: owner.token,
                    body: ["companyIds": [.string(owner.companyId.uuidString)]] as [String: JSONValue]
                ).status == .badRequest)
            #expect(
                try await t.request(
                    .POST, path, token: owner.token, body: ["match": ["trades": ["77"]]] as [String: JSONValue]
                ).status == .badRequest)
            let other = try await t.register(.contractor)
            #expect(
                try await t.request(
                    .POST, path, token: other.token,
                    body: ["companyIds": [.string(other.companyId.uuidString)]] as [String: JSONValue]
                ).status == .notFound)
            #expect(try await t.request(.GET, path, token: other.token).status == .notFound)
        }
    }

    @Test func questionVisibility() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let asker = try await t.register(.subcontractor)
            let other = try await t.register(.contractor)
            let project = try await t.openProject(owner)
            let path = "/api/v1/projects/\(project)/questions"

            let q1 = try await t.request(
                .POST, path, token: asker.token,
                body: ["body": "Is the slab post-tensioned? <b>🏗️</b> '; DROP TABLE bids;--"])
            #expect(q1.status == .created)
            #expect(q1.json["body"].string == "Is the slab post-tensioned? <b>🏗️</b> '; DROP TABLE bids;--")
            let q1Id = try #require(q1.json["id"].uuid)
            let q2 = try await t.request(.POST, path, token: other.token, body: ["body": "Who supplies the panels?"])
            #expect(q2.status == .created)
            #expect(try await t.notifications(owner).filter { $0["type"].string == "QUESTION_ASKED" }.count == 2)

            // Unanswered: only the asker and the owner.
            #expect(try await t.request(.GET, path, token: owner.token).json["data"].array.count == 2)
            #expect(try await t.request(.GET, path, token: asker.token).json["data"].array.count == 1)
            #expect(try await t.request(.GET, path).json["data"].array.isEmpty)

            let answer = try await t.request(
                .POST, "/api/v1/questions/\(q1Id)/answer", token: owner.token, body: ["body": "Yes, see S-201."])
            #expect(answer.status == .ok && answer.json["answer"].string == "Yes, see S-201.")
            let twice = try await t.request(
                .POST, "/api/v1/questions/\(q1Id)/answer", token: owner.token, body: ["body": "Again"])
            #expect(twice.errorCode == "INVALID_TRANSITION")
            #expect(try await t.notifications(asker).contains { $0["type"].string == "QUESTION_ANSWERED" })

            // Answered: everyone who sees the project, without the asker's company.
            let publicView = try await t.request(.GET, path).json["data"].array
            #expect(
                publicView.count == 1 && publicView[0]["companyId"].isNull
                    && publicView[0]["answer"].string == "Yes, see S-201.")
            let otherView = try await t.request(.GET, path, token: other.token).json["data"].array
            #expect(otherView.count == 2)
            #expect(otherView.first { $0["id"].uuid == q1Id }?["companyId"].isNull == true)
            #expect(
                try await t.request(.GET, path, token: owner.token).json["data"].array.first { $0["id"].uuid == q1Id }?[
                    "companyId"
                ].uuid == asker.companyId)

            // Refusals.
            #expect(
                try await t.request(.POST, "/api/v1/questions/\(q1Id)/answer", token: asker.token, body: ["body": "x"])
                    .status == .forbidden)
            let q2Id = try #require(q2.json["id"].uuid)
            #expect(
                try await t.request(.POST, "/api/v1/questions/\(q2Id)/answer", token: asker.token, body: ["body": "x"])
                    .status == .notFound)
            #expect(
                try await t.request(.POST, path, token: owner.token, body: ["body": "Own question"]).status
                    == .forbidden)
            #expect(try await t.request(.POST, path, token: asker.token, body: ["body": ""]).status == .badRequest)
            #expect(
                try await t.request(
                    .POST, path, token: asker.token, body: ["body": String(repeating: "q", count: 5_001)]
                ).status == .badRequest)
        }
    }
}

extension InvitationsAndQuestionsTests {
    @Test func closedProjectsTakeNoAnswersToInvitationsOrNewQuestions() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(sub.companyId.uuidString)]] as [String: JSONValue])
            let invitation = try #require(invite.json["data"][0]["id"].uuid)
            try await t.close(owner, project)
            let respond = try await t.request(
                .POST, "/api/v1/invitations/\(invitation)/respond", token: sub.token, body: ["response": "WILL_BID"])
            #expect(respond.status == .conflict && respond.errorCode == "BIDDING_CLOSED")
            let ask = try await t.request(
                .POST, "/api/v1/projects/\(project)/questions", token: sub.token, body: ["body": "Still open?"])
            #expect(ask.status == .conflict && ask.errorCode == "BIDDING_CLOSED")
            let moreInvites = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(sub.companyId.uuidString)]] as [String: JSONValue])
            #expect(moreInvites.status == .conflict && moreInvites.errorCode == "BIDDING_CLOSED")
        }
    }
}

import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct AddendaTests {
    @Test func uploadsToAnOpenProjectAreNumberedAddendaThatBiddersAreToldAbout() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let invited = try await t.register(.subcontractor)
            let bidder = try await t.register(.contractor)
            let bystander = try await t.register(.contractor)
            let project = try await t.createProject(owner)
            let draftDoc = try await t.upload(owner, to: project, Samples.pdf(800), filename: "base-plans.pdf")
            #expect(draftDoc.json["addendumNumber"].isNull)
            try #require(
                try await t.request(.POST, "/api/v1/projects/\(project)/publish", token: owner.token).status == .ok)
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(invited.companyId.uuidString)]] as [String: JSONValue])
            try #require(invite.status == .created, "\(invite.text)")
            let before = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: bidder.token, body: t.bidJSON(1_000_000))
            #expect(before.json["staleAddendum"].bool == false)
            #expect(before.json["warnings"].array.isEmpty)

            let first = try await t.upload(
                owner, to: project, Samples.pdf(900), filename: "A1-revised.pdf", title: "Revised floor plan")
            #expect(first.json["addendumNumber"].int == 1)
            let second = try await t.upload(
                owner, to: project, Samples.text("Spec 09 29 00 changed"), filename: "spec.txt", type: "text/plain")
            #expect(second.json["addendumNumber"].int == 2)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(project)", token: owner.token).json["addendumCount"].int
                    == 2)

            for member in [invited, bidder] {
                let addenda = try await t.notifications(member).filter { $0["type"].string == "ADDENDUM_ISSUED" }
                #expect(addenda.count == 2, "\(member.role) got \(addenda.count) addendum notices")
                #expect(Set(addenda.compactMap { $0["data"]["addendumNumber"].int }) == [1, 2])
            }
            #expect(try await t.notifications(bystander).allSatisfy { $0["type"].string != "ADDENDUM_ISSUED" })
            #expect(try await t.notifications(owner).allSatisfy { $0["type"].string != "ADDENDUM_ISSUED" })

            // The bid predates both addenda: leveling flags it; a revision that still acknowledges 1 is accepted with a warning.
            var leveling = try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: owner.token)
            #expect(leveling.json["bids"][0]["staleAddendum"].bool == true)
            let bidId = try #require(before.json["id"].uuid)
            let behind = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: bidder.token,
                body: ["acknowledgedAddendum": 1] as [String: JSONValue])
            #expect(behind.status == .ok)
            #expect(behind.json["staleAddendum"].bool == true)
            #expect(behind.json["warnings"][0]["code"].string == "STALE_ADDENDUM")
            let current = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: bidder.token,
                body: ["acknowledgedAddendum": 2] as [String: JSONValue])
            #expect(current.json["staleAddendum"].bool == false)
            #expect(current.json["warnings"].array.isEmpty)
            leveling = try await t.request(.GET, "/api/v1/projects/\(project)/bids/leveling", token: owner.token)
            #expect(leveling.json["bids"][0]["staleAddendum"].bool == false)
            let ahead = try await t.request(
                .PATCH, "/api/v1/bids/\(bidId)", token: bidder.token,
                body: ["acknowledgedAddendum": 3] as [String: JSONValue])
            #expect(ahead.status == .badRequest, "an addendum that was never issued cannot be acknowledged")

            // A new bid that ignores the addenda is accepted, marked and warned.
            let late = try await t.request(
                .POST, "/api/v1/projects/\(project)/bids", token: invited.token, body: t.bidJSON(900_000))
            #expect(late.status == .created)
            #expect(late.json["staleAddendum"].bool == true)
            #expect(late.json["warnings"][0]["message"].string?.contains("2 have been issued") == true)
        }
    }

    @Test func closedAndCancelledProjectsTakeNoAddenda() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            try await t.close(owner, project)
            let closed = try await t.upload(owner, to: project, Samples.pdf(300), filename: "record-set.pdf")
            #expect(closed.status == .created)
            #expect(closed.json["addendumNumber"].isNull, "bidding is over: a document now is not an addendum")
            let cancelledProject = try await t.openProject(owner)
            try #require(
                try await t.request(.POST, "/api/v1/projects/\(cancelledProject)/cancel", token: owner.token).status
                    == .ok)
            let refused = try await t.upload(owner, to: cancelledProject, Samples.pdf(300))
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "INVALID_TRANSITION")
        }
    }

    @Test func ownersSeeWhoDownloadedWhat() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let invited = try await t.register(.subcontractor, company: "Alpha Electric")
            let looker = try await t.register(.contractor, company: "Beta Builders")
            let project = try await t.openProject(owner)
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(invited.companyId.uuidString)]] as [String: JSONValue])
            let plans = try #require(try await t.upload(owner, to: project, Samples.pdf(5_000)).json["id"].uuid)
            let specs = try #require(
                try await t.upload(
                    owner, to: project, Samples.text("specs"), filename: "specs.txt",
                    type: "text/plain"
                ).json["id"].uuid)
            _ = try await t.download(plans, token: looker.token)
            t.clock.advance(by: 60)
            _ = try await t.download(plans, token: looker.token)
            // A viewer's follow-up ranges and revalidations are the same view.
            _ = try await t.download(plans, token: looker.token, headers: ["Range": "bytes=1000-1999"])
            _ = try await t.download(plans, token: looker.token, headers: ["If-None-Match": "\"x\""])
            _ = try await t.download(specs, token: nil)
            _ = try await t.download(plans, token: owner.token)

            let r = try await t.request(.GET, "/api/v1/projects/\(project)/documents/activity", token: owner.token)
            #expect(r.status == .ok)
            #expect(r.json["documents"].array.count == 2)
            #expect(r.json["anonymousDownloads"].int == 1)
            let companies = r.json["companies"].array
            #expect(
                companies.map { $0["companyName"].string } == ["Alpha Electric", "Beta Builders"],
                "the owner is not listed")
            let alpha = companies[0], beta = companies[1]
            #expect(alpha["invited"].bool == true && alpha["downloads"].int == 0)
            #expect(Set(alpha["notDownloaded"].array.compactMap(\.uuid)) == [plans, specs])
            #expect(beta["invited"].bool == false && beta["downloads"].int == 2)
            #expect(beta["documents"][0]["documentId"].uuid == plans)
            #expect(beta["documents"][0]["firstDownloadedAt"].string != beta["documents"][0]["lastDownloadedAt"].string)
            #expect(beta["notDownloaded"].array.compactMap(\.uuid) == [specs])
        }
    }

    @Test func listsAndProjectsAnswer304WhenUnchanged() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.contractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(bidder, on: project)
            for path in [
                "/api/v1/projects/\(project)", "/api/v1/projects/\(project)/bids",
                "/api/v1/projects/\(project)/documents"
            ] {
                let first = try await t.request(.GET, path, token: owner.token)
                let etag = try #require(first.headers.first(name: .eTag), "\(path) has no ETag")
                #expect(first.headers.first(name: .cacheControl) == "private, no-cache")
                let again = try await t.request(.GET, path, token: owner.token, headers: ["If-None-Match": etag])
                #expect(again.status == .notModified, "\(path)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers.first(name: .eTag) == etag)
            }
            let documents = "/api/v1/projects/\(project)/documents"
            let etag = try #require(try await t.request(.GET, documents, token: owner.token).headers.first(name: .eTag))
            _ = try await t.upload(owner, to: project, Samples.pdf(400))
            let changed = try await t.request(.GET, documents, token: owner.token, headers: ["If-None-Match": etag])
            #expect(changed.status == .ok, "a new addendum must not be hidden behind a stale 304")
            #expect(changed.headers.first(name: .eTag) != etag)
            // Another caller's view of the same URL is a different body (the owner sees every bid), so a different tag.
            let second = try await t.register(.subcontractor)
            _ = try await t.submitBid(second, on: project)
            let projectTag = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: owner.token).headers
                .first(name: .eTag)
            let bidderTag = try await t.request(.GET, "/api/v1/projects/\(project)/bids", token: bidder.token).headers
                .first(name: .eTag)
            #expect(projectTag != bidderTag)
        }
    }
}

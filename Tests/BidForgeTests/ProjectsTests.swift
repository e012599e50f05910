import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct ProjectsTests {
    @Test func createShowsEveryFieldAndStartsAsDraft() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let r = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: t.projectJSON())
            #expect(r.status == .created)
            let p = r.json
            #expect(p["status"].string == "DRAFT")
            #expect(p["companyId"].uuid == owner.companyId)
            #expect(p["trades"].array.compactMap(\.string) == ["03", "09", "26"])
            #expect(p["location"]["country"].string == "US")
            #expect(p["budgetMinCents"].int == 1_000_000)
            #expect(p["publishedAt"].isNull && p["awardedBidId"].isNull)
            #expect(p["addendumCount"].int == 0 && p["bidCount"].int == 0)
            #expect(p["bidDueAt"].string == "2026-12-03T20:00:00Z")
            for key in ["id", "title", "description", "visibility", "sealed", "createdAt", "updatedAt"] {
                #expect(!p[key].isNull, "missing \(key)")
            }
        }
    }

    @Test func validationNamesEachBadField() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            var body = t.projectJSON(title: String(repeating: "x", count: 201), trades: ["03", "42x"], dueInDays: -1)
            body["budgetMinCents"] = 10
            body["budgetMaxCents"] = 5
            body["description"] = .string(String(repeating: "d", count: 20_001))
            body["location"] = ["city": "", "state": "QQ", "postalCode": "1"]
            let r = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: body)
            #expect(r.status == .badRequest)
            let details = r.json["error"]["details"]
            // Every problem at once, the location's and the rest's together.
            for field in [
                "location.city", "location.state", "title", "trades[1]", "bidDueAt", "budgetMaxCents", "description"
            ] {
                #expect(
                    details[field].string != nil, "no problem reported for \(field) beside the location's: \(r.text)")
            }
            var second = t.projectJSON(title: String(repeating: "x", count: 201), trades: ["03", "42x"], dueInDays: -1)
            second["budgetMinCents"] = 10
            second["budgetMaxCents"] = 5
            second["description"] = .string(String(repeating: "d", count: 20_001))
            let r2 = try await t.request(.POST, "/api/v1/projects", token: owner.token, body: second)
            let d2 = r2.json["error"]["details"]
            for field in ["title", "trades[1]", "bidDueAt", "budgetMaxCents", "description"] {
                #expect(d2[field].string != nil, "no problem reported for \(field): \(r2.text)")
            }
            let emptyTitle = try await t.request(
                .POST, "/api/v1/projects", token: owner.token, body: t.projectJSON(title: "   "))
            #expect(emptyTitle.status == .badRequest)
            // A day that does not exist is a typo, not the next month's first days.
            for impossible in [
                "2030-02-30T10:00:00Z", "2031-02-29T10:00:00Z", "2030-04-31T10:00:00Z", "2030-05-01T24:00:00Z"
            ] {
                var typo = t.projectJSON()
                typo["bidDueAt"] = .string(impossible)
                #expect(
                    try await t.request(.POST, "/api/v1/projects", token: owner.token, body: typo).status
                        == .badRequest, "\(impossible)")
            }
            var leap = t.projectJSON()
            leap["bidDueAt"] = "2028-02-29T10:00:00Z"
            #expect(try await t.request(.POST, "/api/v1/projects", token: owner.token, body: leap).status == .created)
        }
    }

    @Test func statusMachineAndInvalidTransitions() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let id = try await t.createProject(owner)
            let close = try await t.request(.POST, "/api/v1/projects/\(id)/close", token: owner.token)
            #expect(close.status == .conflict && close.errorCode == "INVALID_TRANSITION")
            let publish = try await t.request(.POST, "/api/v1/projects/\(id)/publish", token: owner.token)
            #expect(publish.status == .ok && publish.json["status"].string == "OPEN")
            #expect(publish.json["publishedAt"].string == "2026-11-26T20:00:00Z")
            let again = try await t.request(.POST, "/api/v1/projects/\(id)/publish", token: owner.token)
            #expect(again.errorCode == "INVALID_TRANSITION")
            try await t.close(owner, id)
            let cancel = try await t.request(.POST, "/api/v1/projects/\(id)/cancel", token: owner.token)
            #expect(cancel.json["status"].string == "CANCELLED")
            for action in ["publish", "close", "cancel"] {
                let r = try await t.request(.POST, "/api/v1/projects/\(id)/\(action)", token: owner.token)
                #expect(r.status == .conflict && r.errorCode == "INVALID_TRANSITION", "\(action)")
            }
            let patch = try await t.request(
                .PATCH, "/api/v1/projects/\(id)", token: owner.token, body: ["title": "New"])
            #expect(patch.errorCode == "INVALID_TRANSITION")
        }
    }

    @Test func patchEditsDraftsAndOpenProjects() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.contractor)
            let id = try await t.openProject(owner)
            let r = try await t.request(
                .PATCH, "/api/v1/projects/\(id)", token: owner.token,
                body: ["title": "Clinic fit-out, phase 2", "budgetMinCents": nil, "trades": ["26"]]
                    as [String: JSONValue])
            #expect(r.status == .ok)
            #expect(r.json["title"].string == "Clinic fit-out, phase 2")
            #expect(r.json["budgetMinCents"].isNull)
            #expect(r.json["budgetMaxCents"].int == 5_000_000)
            #expect(r.json["trades"].array.count == 1)
            let seal = try await t.request(.PATCH, "/api/v1/projects/\(id)", token: owner.token, body: ["sealed": true])
            #expect(seal.status == .conflict)
            let past = try await t.request(
                .PATCH, "/api/v1/projects/\(id)", token: owner.token, body: ["bidDueAt": "2020-01-01T00:00:00Z"])
            #expect(past.status == .badRequest)
        }
    }

    /// The proven attack on a sealed project: the owner moved `bidDueAt` to seconds away, read every price once it
    /// passed, then moved it hours later so bidding reopened for an undercut. A passed due time now never moves, bids
    /// only let it move later, and each move is told to everyone invited or bidding.
    @Test func aSealedProjectsDueTimeCannotBeRewound() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sealed = try await t.openProject(owner, t.projectJSON(sealed: true, dueInDays: 2))
            let bidder = try await t.register(.subcontractor)
            let invitee = try await t.register(.contractor)
            #expect(
                try await t.request(
                    .POST, "/api/v1/projects/\(sealed)/invitations", token: owner.token,
                    body: ["companyIds": [invitee.companyId.uuidString]]
                ).status == .created)
            _ = try await t.submitBid(bidder, on: sealed)
            func due(_ seconds: Double) -> [String: JSONValue] {
                ["bidDueAt": .string(JSONCoding.formatDate(t.clock.now.addingTimeInterval(seconds)))]
            }
            let sooner = try await t.request(.PATCH, "/api/v1/projects/\(sealed)", token: owner.token, body: due(5))
            #expect(sooner.status == .conflict && sooner.errorCode == "DUE_TIME_LOCKED")
            let later = try await t.request(
                .PATCH, "/api/v1/projects/\(sealed)", token: owner.token, body: due(3 * 86_400))
            #expect(later.status == .ok)
            for member in [bidder, invitee] {
                let moved = try await t.notifications(member).filter { $0["type"].string == "BID_DUE_CHANGED" }
                #expect(
                    moved.count == 1 && moved.first?["data"]["previousBidDueAt"].string != nil,
                    "\(member.email) is told")
                #expect(
                    moved.first?["body"].string?.contains(" UTC (was ") == true,
                    "in words, not ISO: \(moved.first?["body"].string ?? "")")
            }

            // Without bids the owner may bring it forward; once passed, nothing moves it and nobody bids.
            let quiet = try await t.openProject(owner, t.projectJSON(sealed: true, dueInDays: 2))
            #expect(
                try await t.request(.PATCH, "/api/v1/projects/\(quiet)", token: owner.token, body: due(5)).status == .ok
            )
            t.clock.advance(by: 10)
            let reopen = try await t.request(
                .PATCH, "/api/v1/projects/\(quiet)", token: owner.token, body: due(4 * 3600))
            #expect(reopen.status == .conflict && reopen.errorCode == "DUE_TIME_LOCKED")
            #expect(try await t.bid(bidder, on: quiet).errorCode == "BIDDING_CLOSED")
            let retitle = try await t.request(
                .PATCH, "/api/v1/projects/\(quiet)", token: owner.token, body: ["title": "Renamed"])
            #expect(retitle.status == .ok, "other edits still work")
            let page = try await WebBrowser.signedIn(t, as: owner)
            let edit = try await page.get("/projects/\(quiet)/edit")
            #expect(edit.status == .ok)
            func listed() async throws -> [String] {
                try await t.request(.GET, "/api/v1/projects?limit=100").json["data"].array.compactMap {
                    $0["id"].string?.lowercased()
                }
            }
            #expect(
                try await listed().contains(quiet.uuidString.lowercased()), "listed until the scheduler's next round")
            #expect(try await DueTimeClosing.run(t.app, now: t.clock.now) == 1)
            try await t.drainOutboxNow()
            #expect(try await DueTimeClosing.run(t.app, now: t.clock.now) == 0, "closed once")
            #expect(
                !(try await listed().contains(quiet.uuidString.lowercased())),
                "the OPEN listing drops it once its time came")
            #expect(try await t.request(.GET, "/api/v1/projects/\(quiet)").json["status"].string == "CLOSED")
            #expect(try await t.request(.GET, "/api/v1/projects/\(sealed)").json["status"].string == "OPEN")
        }
    }

    @Test func freePlanAllowsThreeOpenProjects() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            for _ in 0..<3 { _ = try await t.openProject(owner) }
            let fourth = try await t.createProject(owner)
            let r = try await t.request(.POST, "/api/v1/projects/\(fourth)/publish", token: owner.token)
            #expect(r.status == .paymentRequired)
            #expect(r.errorCode == "PLAN_LIMIT_REACHED")
            #expect(r.json["error"]["details"]["plan"].string == "FREE")
            #expect(r.json["error"]["details"]["limit"].int == 3)
            #expect(r.json["error"]["details"]["used"].int == 3)
            try await t.setPlan(owner.companyId, .pro)
            let pro = try await t.request(.POST, "/api/v1/projects/\(fourth)/publish", token: owner.token)
            #expect(pro.status == .ok)
        }
    }

    @Test func draftsAndInviteOnlyProjectsAreHidden() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let outsider = try await t.register(.contractor)
            let invitee = try await t.register(.subcontractor)
            let draft = try await t.createProject(owner)
            let privateId = try await t.openProject(
                owner, t.projectJSON(title: "Private vault", visibility: "INVITE_ONLY"))
            let inv = try await t.request(
                .POST, "/api/v1/projects/\(privateId)/invitations", token: owner.token,
                body: ["companyIds": [.string(invitee.companyId.uuidString)]] as [String: JSONValue])
            #expect(inv.status == .created)

            for (who, token) in [("outsider", outsider.token), ("anonymous", nil)] as [(String, String?)] {
                #expect(
                    try await t.request(.GET, "/api/v1/projects/\(draft)", token: token).status == .notFound,
                    "\(who) draft")
                #expect(
                    try await t.request(.GET, "/api/v1/projects/\(privateId)", token: token).status == .notFound,
                    "\(who) private")
            }
            #expect(try await t.request(.GET, "/api/v1/projects/\(draft)", token: owner.token).status == .ok)
            #expect(try await t.request(.GET, "/api/v1/projects/\(privateId)", token: invitee.token).status == .ok)

            let anonList = try await t.request(.GET, "/api/v1/projects")
            #expect(anonList.json["data"].array.isEmpty)
            let inviteeList = try await t.request(.GET, "/api/v1/projects", token: invitee.token)
            #expect(inviteeList.json["data"].array.map { $0["title"].string } == ["Private vault"])
            let mine = try await t.request(.GET, "/api/v1/projects?mine=true", token: owner.token)
            #expect(mine.json["pagination"]["total"].int == 2)
            let mineAnon = try await t.request(.GET, "/api/v1/projects?mine=true")
            #expect(mineAnon.status == .unauthorized)
            let random = try await t.request(.GET, "/api/v1/projects/\(UUID())", token: owner.token)
            #expect(random.status == .notFound && random.errorCode == "NOT_FOUND")
            let notUUID = try await t.request(.GET, "/api/v1/projects/not-a-uuid")
            #expect(notUUID.status == .notFound)
        }
    }

    /// Cancelling a draft must not publish it: a project never published stays its owner's alone — by id (twice: the
    /// second answer comes from the cache), in the CANCELLED listing, in an invited company's inbox — while a project
    /// cancelled after publishing stays public.
    @Test func aDraftCancelledBeforePublishingStaysItsOwners() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let outsider = try await t.register(.contractor)
            let invitee = try await t.register(.subcontractor)
            let draft = try await t.createProject(owner, t.projectJSON(title: "Quiet land purchase"))
            try await t.invite(invitee, to: draft, by: owner)
            let published = try await t.openProject(owner, t.projectJSON(title: "Published then cancelled"))
            for id in [draft, published] {
                let cancelled = try await t.request(.POST, "/api/v1/projects/\(id)/cancel", token: owner.token)
                #expect(cancelled.status == .ok, "\(cancelled.text)")
            }
            for _ in 0..<2 {
                for (who, token) in [("outsider", outsider.token), ("invitee", invitee.token), ("anonymous", nil)]
                    as [(String, String?)]
                {
                    let read = try await t.request(.GET, "/api/v1/projects/\(draft)", token: token)
                    #expect(read.status == .notFound, "\(who): \(read.text)")
                    let listed = try await t.request(.GET, "/api/v1/projects?status=CANCELLED", token: token)
                    #expect(
                        listed.json["data"].array.map { $0["title"].string } == ["Published then cancelled"],
                        "\(who): \(listed.text)")
                    let control = try await t.request(.GET, "/api/v1/projects/\(published)", token: token)
                    #expect(control.status == .ok, "\(who): \(control.text)")
                }
                let own = try await t.request(.GET, "/api/v1/projects/\(draft)", token: owner.token)
                #expect(own.status == .ok && own.json["status"].string == "CANCELLED", "\(own.text)")
            }
            let inbox = try await t.request(.GET, "/api/v1/invitations", token: invitee.token)
            #expect(inbox.status == .ok && inbox.json["data"].array.isEmpty, "\(inbox.text)")
            // Nor can the invitee answer the invitation it cannot see.
            let sent = try await t.request(.GET, "/api/v1/projects/\(draft)/invitations", token: owner.token)
            let invitation = try #require(sent.json["data"][0]["id"].uuid, "\(sent.text)")
            let answer = try await t.request(
                .POST, "/api/v1/invitations/\(invitation)/respond", token: invitee.token, body: ["response": "WILL_BID"]
            )
            #expect(answer.status == .notFound, "\(answer.text)")
            let mine = try await t.request(.GET, "/api/v1/projects?mine=true&status=CANCELLED", token: owner.token)
            #expect(mine.json["pagination"]["total"].int == 2, "\(mine.text)")
        }
    }

    @Test func listingFiltersSortAndPaginate() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            let a = try await t.openProject(
                owner,
                t.projectJSON(
                    title: "Hospital wing concrete", trades: ["03"], state: "TX", city: "Austin", dueInDays: 10,
                    budget: (5_000_000, 9_000_000), description: "Structural slab"))
            t.clock.advance(by: 60)
            let b = try await t.openProject(
                owner,
                t.projectJSON(
                    title: "School electrical upgrade", trades: ["26"], state: "CA", city: "Fresno", dueInDays: 5,
                    budget: (100_000, 200_000), description: "LED retrofit and panels"))
            t.clock.advance(by: 60)
            let c = try await t.openProject(
                owner,
                t.projectJSON(
                    title: "Library finishes", trades: ["09"], state: "TX", city: "Dallas", dueInDays: 20, budget: nil,
                    description: "Paint and flooring"))
            _ = try await t.createProject(owner)  // a draft never appears in the public list

            func ids(_ query: String) async throws -> [UUID] {
                let r = try await t.request(.GET, "/api/v1/projects\(query)")
                #expect(r.status == .ok, "\(query): \(r.text)")
                return r.json["data"].array.compactMap(\.["id"].uuid)
            }
            #expect(try await ids("") == [c, b, a])
            #expect(try await ids("?sort=createdAt") == [a, b, c])
            #expect(try await ids("?sort=bidDueAt") == [b, a, c])
            #expect(try await ids("?trade=26") == [b])
            #expect(try await ids("?state=TX") == [c, a])
            #expect(try await ids("?city=austin") == [a])
            #expect(try await ids("?q=slab") == [a])
            #expect(try await ids("?q=LED%20panels") == [b])
            #expect(try await ids("?minBudgetCents=1000000") == [a])
            #expect(try await ids("?maxBudgetCents=300000") == [b])
            let due = JSONCoding.formatDate(t.clock.now.addingTimeInterval(8 * 86_400))
            #expect(try await ids("?dueBefore=\(due)") == [b])
            #expect(try await ids("?dueAfter=\(due)") == [c, a])
            #expect(try await ids("?companyId=\(owner.companyId)") == [c, b, a])
            #expect(try await ids("?status=DRAFT").isEmpty)

            let page = try await t.request(.GET, "/api/v1/projects?limit=2&page=2")
            #expect(page.json["data"].array.count == 1)
            #expect(page.json["pagination"]["total"].int == 3)
            #expect(page.json["pagination"]["limit"].int == 2)
            let beyond = try await t.request(.GET, "/api/v1/projects?limit=2&page=9")
            #expect(beyond.json["data"].array.isEmpty && beyond.json["pagination"]["total"].int == 3)
            let clamped = try await t.request(.GET, "/api/v1/projects?limit=100000")
            #expect(clamped.json["pagination"]["limit"].int == 100)

            for bad in [
                "?status=OPENED", "?trade=99", "?state=XX", "?sort=title", "?page=-1", "?limit=0",
                "?dueAfter=yesterday",
                "?companyId=nope", "?minBudgetCents=abc", "?page=abc"
            ] {
                let r = try await t.request(.GET, "/api/v1/projects\(bad)")
                #expect(r.status == .badRequest, "\(bad) → \(r.status)")
                #expect(r.errorCode == "VALIDATION_FAILED")
            }
        }
    }

    @Test func onlyPostingRolesOfTheOwnerCompanyManage() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let sub = try await t.register(.subcontractor)
            let create = try await t.request(.POST, "/api/v1/projects", token: sub.token, body: t.projectJSON())
            #expect(create.status == .forbidden && create.errorCode == "FORBIDDEN")
            let id = try await t.openProject(owner)
            let foreign = try await t.request(.POST, "/api/v1/projects/\(id)/close", token: sub.token)
            #expect(foreign.status == .forbidden)
            let colleague = try await t.join(owner, role: .subcontractor)
            let wrongRole = try await t.request(.POST, "/api/v1/projects/\(id)/close", token: colleague.token)
            #expect(wrongRole.status == .forbidden)
        }
    }
}

extension ProjectsTests {
    @Test func publishNeedsAFutureDueTimeAndVisibilityIsFixedOnceOpen() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let draft = try await t.createProject(owner, t.projectJSON(dueInDays: 1))
            t.clock.advance(by: 86_400 + 1)
            let again = try await t.relogin(owner)
            let late = try await t.request(.POST, "/api/v1/projects/\(draft)/publish", token: again.token)
            #expect(late.status == .badRequest && late.json["error"]["details"]["bidDueAt"].string != nil)
            #expect(
                try await t.request(.GET, "/api/v1/projects/\(draft)", token: again.token).json["status"].string
                    == "DRAFT")

            let open = try await t.openProject(again)
            let hide = try await t.request(
                .PATCH, "/api/v1/projects/\(open)", token: again.token, body: ["visibility": "INVITE_ONLY"])
            #expect(hide.status == .conflict && hide.errorCode == "INVALID_TRANSITION")
            let draftEdit = try await t.request(
                .PATCH, "/api/v1/projects/\(draft)", token: again.token,
                body: ["visibility": "INVITE_ONLY", "sealed": true] as [String: JSONValue])
            #expect(
                draftEdit.status == .ok && draftEdit.json["visibility"].string == "INVITE_ONLY"
                    && draftEdit.json["sealed"].bool == true)
        }
    }
}

import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge

/// Questions, revisions, withdrawals, results, invitations and edits through the pages, with the API's rules.
@Suite struct WebQuestionPagesTests {
    @Test func bidderAsksOwnerAnswersAndOnlyAnswersAreShared() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let asker = try await WebBrowser.signedIn(t, as: try await t.register(.subcontractor))
            let other = try await WebBrowser.signedIn(t, as: try await t.register(.contractor))
            let ownerPage = try await WebBrowser.signedIn(t, as: owner)

            let empty = try await asker.post("/projects/\(project)/questions", [("body", "  ")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("id=\"question-error\""))
            let asked = try await asker.post(
                "/projects/\(project)/questions", [("body", "Is the <b>slab</b> included?")])
            #expect(asked.status == .seeOther)
            #expect(asked.headers.first(name: .location)?.hasSuffix("#questions") == true)
            let askerView = try await asker.get("/projects/\(project)")
            #expect(askerView.text.contains("Is the &lt;b&gt;slab&lt;/b&gt; included?"), "question text is escaped")
            #expect(
                !(try await other.get("/projects/\(project)").text.contains("slab")),
                "unanswered: only owner and asker see it")

            let question = try #require(
                try await QuestionModel.query(on: t.app.db).filter(\.$projectId == project).first())
            #expect(try await other.post("/questions/\(question.id!)/answer", [("body", "Yes")]).status == .notFound)
            #expect(try await asker.post("/questions/\(question.id!)/answer", [("body", "Yes")]).status == .forbidden)
            #expect(
                try await ownerPage.post("/projects/\(project)/questions", [("body", "Own question")]).status
                    == .forbidden)
            let form = try await ownerPage.get("/projects/\(project)")
            #expect(form.text.contains("action=\"/questions/\(question.id!.uuidString.lowercased())/answer\""))
            #expect(
                try await ownerPage.post(
                    "/questions/\(question.id!)/answer", [("body", "Yes, slab on grade is in.")], csrf: false
                ).status == .forbidden)
            #expect(
                try await ownerPage.post("/questions/\(question.id!)/answer", [("body", "Yes, slab on grade is in.")])
                    .status == .seeOther)
            #expect(try await other.get("/projects/\(project)").text.contains("Yes, slab on grade is in."))
            #expect(
                try await ownerPage.post("/questions/\(question.id!)/answer", [("body", "Again")]).status == .conflict)
        }
    }
}

@Suite struct WebBidLifecyclePagesTests {
    func line(_ price: String) -> [(String, String)] {
        [
            ("description[]", "Panel"), ("trade[]", "26"), ("quantity[]", "1"), ("unit[]", "LS"),
            ("unitPrice[]", price),
            ("acknowledgedAddendum", "0")
        ]
    }

    /// A refused bid says what is wrong next to the line, keeps what was typed, and names the project page as its
    /// address (the form was answered at the address it posted to).
    @Test func aRefusedBidLineIsMarkedWhereItIs() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(trades: ["26"]))
            let page = try await WebBrowser.signedIn(t, as: try await t.register(.subcontractor))
            let refused = try await page.post(
                "/projects/\(project)/bids",
                [
                    ("description[]", "Wiring and panels"), ("trade[]", "26"), ("quantity[]", "2"), ("unit[]", "LS"),
                    ("unitPrice[]", ""), ("notes", "Crew of four"), ("acknowledgedAddendum", "0")
                ])
            #expect(refused.status == .badRequest)
            #expect(refused.text.contains("id=\"line-1-error\">Line 1: needs a quantity and a unit price</p>"))
            #expect(refused.text.contains("data-price aria-invalid=\"true\" aria-describedby=\"line-1-error\""))
            #expect(refused.text.contains("value=\"Wiring and panels\"") && refused.text.contains("Crew of four"))
            #expect(refused.text.contains("<link rel=\"canonical\" href=\"/projects/\(project.lowercasedString)\">"))
            let nothing = try await page.post(
                "/projects/\(project)/bids", [("description[]", ""), ("acknowledgedAddendum", "0")])
            #expect(nothing.text.contains("id=\"bid-error\">add at least one line with a price</p>"))
            // A page answered at its own address names none.
            #expect(
                try await page.get("/projects/\(project.lowercasedString)").text.contains("rel=\"canonical\"") == false)
        }
    }

    @Test func aBidderRevisesAndWithdrawsItsOwnBidOnly() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(trades: ["26"]))
            let sub = try await t.register(.subcontractor)
            let page = try await WebBrowser.signedIn(t, as: sub)
            #expect(try await page.post("/projects/\(project)/bids", line("10,000")).status == .seeOther)
            let bid = try #require(try await BidModel.query(on: t.app.db).filter(\.$companyId == sub.companyId).first())

            let view = try await page.get("/projects/\(project)")
            #expect(
                view.text.contains("Revise your bid") && view.text.contains("value=\"10000.00\""),
                "the form is prefilled")
            #expect(view.text.contains("/bids/\(bid.id!.uuidString.lowercased())/withdraw"))

            let rival = try await WebBrowser.signedIn(t, as: try await t.register(.contractor))
            #expect(try await rival.post("/bids/\(bid.id!)/revise", line("1")).status == .notFound)
            #expect(try await rival.post("/bids/\(bid.id!)/withdraw", []).status == .notFound)

            let invalid = try await page.post("/bids/\(bid.id!)/revise", line("abc"))
            #expect(invalid.status == .badRequest)
            #expect(invalid.text.contains("value=\"abc\""), "what was typed is kept")
            #expect(try await page.post("/bids/\(bid.id!)/revise", line("9,500")).status == .seeOther)
            let revised = try #require(try await BidModel.find(bid.id, on: t.app.db))
            #expect(revised.revision == 2 && revised.amountCents == 950_000)

            let other = try await t.openProject(owner, t.projectJSON(trades: ["26"]))
            #expect(try await page.post("/projects/\(other)/bids", line("5,000")).status == .seeOther)
            try await t.close(owner, other)
            let late = try await page.post("/projects/\(other)/bids", line("4,000"))
            #expect(
                late.status == .conflict && late.text.contains("Bidding on this project is closed."),
                "a refusal reads as a sentence")
            #expect(!late.text.contains("bidDueAt:"), "not the error's data")
            #expect(try await page.post("/bids/\(bid.id!)/withdraw", [], csrf: false).status == .forbidden)
            #expect(try await page.post("/bids/\(bid.id!)/withdraw", []).status == .seeOther)
            #expect(try await BidModel.find(bid.id, on: t.app.db)?.status == .withdrawn)
            let after = try await page.get("/projects/\(project)")
            #expect(after.text.contains("WITHDRAWN") && after.text.contains("Submit a bid"), "may bid again while open")
        }
    }

    /// 10,001 rows of 1e9 × $9,223.37 once overflowed Int64 while the page added them up, and the trap took the whole
    /// process down. Now each row is checked first and the form answers 400; the instance keeps serving.
    @Test func aHugeBidFormIsRefusedAndTheServerKeepsServing() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(trades: ["26"]))
            let page = try await WebBrowser.signedIn(t, as: try await t.register(.subcontractor))
            func rows(_ count: Int, quantity: String, price: String) -> [(String, String)] {
                (0..<count).flatMap { _ in
                    [
                        ("description[]", "x"), ("trade[]", "26"), ("quantity[]", quantity), ("unit[]", "EA"),
                        ("unitPrice[]", price)
                    ]
                }
            }
            // 10,001 rows are more fields than any form has: refused before parsing (413); 501 rows by the line rule (400).
            let flood = try await page.post(
                "/projects/\(project)/bids", rows(10_001, quantity: "1e9", price: "9223.37"))
            #expect(flood.status == .payloadTooLarge)
            let overLines = try await page.post(
                "/projects/\(project)/bids", rows(501, quantity: "1e9", price: "9223.37"))
            #expect(overLines.status == .badRequest && overLines.text.contains("at most 500 lines"))
            let big = try await page.post("/projects/\(project)/bids", rows(3, quantity: "1e9", price: "9223.37"))
            #expect(big.status == .badRequest)
            #expect(big.text.contains("too large"))
            // A refused form comes back with at most 500 rows, however many were sent (69,000 once took minutes to render).
            let empties = try await page.post(
                "/projects/\(project)/bids",
                (0..<2_900).map { _ in ("description[]", "") } + rows(1, quantity: "x", price: "1"))
            #expect(empties.status == .badRequest && empties.text.utf8.count < 2_000_000)
            // Past any form's field count the body is not parsed at all (the parser's cost grows with its square).
            let fields = try await page.post(
                "/projects/\(project)/bids", (0..<20_000).map { _ in ("description[]", "") })
            #expect(fields.status == .payloadTooLarge, "refused before parsing")
            #expect(
                try await page.get("/?" + (0..<20_000).map { "a\($0)=" }.joined(separator: "&")).status == .ok,
                "a query of 20,000 fields is read once, in one pass")
            let absurd = try await page.post(
                "/projects/\(project)/bids", rows(1, quantity: "1", price: "99999999999999999999999"))
            #expect(absurd.status == .badRequest)
            #expect(try await BidModel.query(on: t.app.db).count() == 0)
            #expect(
                try await page.post("/projects/\(project)/bids", rows(2, quantity: "2", price: "1,250.50")).status
                    == .seeOther)
            #expect(try await BidModel.query(on: t.app.db).first()?.amountCents == 500_200)
        }
    }

    @Test func eachBidderSeesItsResultAfterTheAward() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let winner = try await t.register(.contractor)
            let loser = try await t.register(.subcontractor)
            let winningBid = try await t.submitBid(winner, on: project, amount: 1_000_000)
            _ = try await t.submitBid(loser, on: project, amount: 1_100_000)
            try await t.close(owner, project)
            let ownerPage = try await WebBrowser.signedIn(t, as: owner)
            #expect(
                try await ownerPage.post("/projects/\(project)/award", [("bidId", winningBid.uuidString)]).status
                    == .seeOther)
            let won = try await (try await WebBrowser.signedIn(t, as: winner)).get("/projects/\(project)")
            #expect(won.text.contains("You won this project: your bid ranked 1 of 2."))
            let lost = try await (try await WebBrowser.signedIn(t, as: loser)).get("/projects/\(project)")
            #expect(
                lost.text.contains(
                    "Awarded to another bidder. Your bid ranked 2 of 2, 10.0 % above the winning amount."))

            // The owner's page says which bid won, names the trades a bid left out, and offers no more uploads.
            let decided = try await ownerPage.get("/projects/\(project)")
            let winnerName = try #require(try await CompanyModel.find(winner.companyId, on: t.app.db)?.name)
            #expect(
                decided.text.contains("id=\"award-summary\">Awarded to \(winnerName) for $10,000.00 (rank 1 of 2).</p>")
            )
            #expect(decided.text.contains("class=\"won-row\""))
            #expect(
                decided.text.contains("09 Finishes"), "missing trades carry their names: \(decided.text.contains("09"))"
            )
            #expect(!decided.text.contains("data-upload"), "no upload form once AWARDED")
            let late = try await t.upload(owner, to: project, Samples.pdf(1_000))
            #expect(late.status == .conflict && late.errorCode == "INVALID_TRANSITION")
        }
    }
}

@Suite struct WebInvitationPagesTests {
    @Test func ownerInvitesByNameAndByMatchAndSeesEachAnswer() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner, company: "Gable Owners")
            let project = try await t.openProject(owner, t.projectJSON(trades: ["26"], visibility: "INVITE_ONLY"))
            let sparky = try await t.register(.subcontractor, company: "Sparky 100% Electric", trades: ["26"])
            let plumber = try await t.register(.subcontractor, company: "Pipe Dreams", trades: ["22"], states: ["TX"])
            let ownerPage = try await WebBrowser.signedIn(t, as: owner)

            let search = try await ownerPage.get("/projects/\(project)?inviteSearch=100%25")
            #expect(search.text.contains("Sparky 100% Electric"), "a literal % in the search")
            #expect(!search.text.contains("Pipe Dreams"))
            #expect(
                try await ownerPage.post(
                    "/projects/\(project)/invitations",
                    [("mode", "companies"), ("companyIds[]", sparky.companyId.uuidString)]
                ).status == .seeOther)
            #expect(
                try await ownerPage.post(
                    "/projects/\(project)/invitations",
                    [("mode", "match"), ("matchTrades[]", "22"), ("matchState", "TX")]
                ).status == .seeOther)
            let invited = try await InvitationModel.query(on: t.app.db).filter(\.$projectId == project).all().map(
                \.companyId)
            #expect(Set(invited) == [sparky.companyId, plumber.companyId])

            let subPage = try await WebBrowser.signedIn(t, as: sparky)
            let dashboard = try await subPage.get("/dashboard")
            #expect(dashboard.text.contains("Bid calendar") && dashboard.text.contains(">Will bid</button>"))
            let invitation = try #require(
                try await InvitationModel.query(on: t.app.db).filter(\.$companyId == sparky.companyId).first())
            let stranger = try await WebBrowser.signedIn(t, as: plumber)
            #expect(
                try await stranger.post("/invitations/\(invitation.id!)/respond", [("response", "DECLINED")]).status
                    == .notFound)
            #expect(
                try await subPage.post("/invitations/\(invitation.id!)/respond", [("response", "MAYBE")]).status
                    == .badRequest)
            #expect(
                try await subPage.post("/invitations/\(invitation.id!)/respond", [("response", "WILL_BID")]).status
                    == .seeOther)
            #expect(try await ownerPage.get("/projects/\(project)").text.contains("WILL_BID"))
            // Only the owner invites: 403 for a company that can see the project, 404 for one that cannot.
            #expect(
                try await subPage.post("/projects/\(project)/invitations", [("mode", "match"), ("matchTrades[]", "26")])
                    .status == .forbidden)
            let outsider = try await WebBrowser.signedIn(t, as: try await t.register(.contractor, trades: ["03"]))
            #expect(
                try await outsider.post(
                    "/projects/\(project)/invitations", [("mode", "match"), ("matchTrades[]", "26")]
                ).status == .notFound)
        }
    }
}

@Suite struct WebProjectEditPagesTests {
    @Test func theOwnerEditsItsProjectAndNobodyElseCan() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            let ownerPage = try await WebBrowser.signedIn(t, as: owner)
            let form = try await ownerPage.get("/projects/\(project)/edit")
            #expect(form.status == .ok && form.text.contains("value=\"Clinic fit-out\""))
            let fields: [(String, String)] = [
                ("title", "Clinic fit-out, phase 2"), ("description", "More"), ("city", "Austin"),
                ("state", "TX"), ("postalCode", "78701"), ("minBudget", "10000"), ("maxBudget", "50000"),
                ("bidDueAt", "2026-12-20T17:00"), ("utcOffsetMinutes", "0"), ("visibility", "PUBLIC"),
                ("trades[]", "03")
            ]
            var blank = fields
            blank[0] = ("title", " ")
            let refused = try await ownerPage.post("/projects/\(project)/edit", blank)
            #expect(refused.status == .badRequest && refused.text.contains("id=\"title-error\""))
            #expect(try await ownerPage.post("/projects/\(project)/edit", fields).status == .seeOther)
            let saved = try #require(try await ProjectModel.find(project, on: t.app.db))
            #expect(
                saved.title == "Clinic fit-out, phase 2" && saved.budgetMaxCents == 5_000_000 && saved.trades == ["03"])

            // A public project: others see it (403 to edit); a draft of another company does not exist for them (404).
            let otherOwner = try await t.register(.owner)
            let other = try await WebBrowser.signedIn(t, as: otherOwner)
            #expect(try await other.get("/projects/\(project)/edit").status == .forbidden)
            #expect(try await other.post("/projects/\(project)/edit", fields).status == .forbidden)
            let draft = try await t.createProject(owner)
            #expect(try await other.get("/projects/\(draft)/edit").status == .notFound)
            #expect(try await other.post("/projects/\(draft)/edit", fields).status == .notFound)
            #expect(try await ProjectModel.find(draft, on: t.app.db)?.title == "Clinic fit-out")
        }
    }
}

@Suite struct WebConversationPagesTests {
    @Test func aBidderMessagesTheOwnerAndStrangersSeeNothing() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner, company: "Owner Ltd")
            let project = try await t.openProject(owner)
            let sub = try await t.register(.subcontractor, company: "Sub Inc")
            let subPage = try await WebBrowser.signedIn(t, as: sub)
            let opened = try await subPage.post("/conversations", [("projectId", project.uuidString)])
            #expect(opened.status == .seeOther)
            let thread = try #require(opened.headers.first(name: .location))
            #expect(thread.hasPrefix("/conversations/"))
            #expect(try await subPage.post(thread + "/messages", [("body", "")]).status == .badRequest)
            #expect(
                try await subPage.post(thread + "/messages", [("body", "Walkthrough <Friday>?")]).status == .seeOther)

            let ownerPage = try await WebBrowser.signedIn(t, as: owner)
            let layout = try await ownerPage.get("/conversations")
            #expect(layout.text.contains("Sub Inc") && layout.text.contains("class=\"unread\""))
            let chat = try await ownerPage.get(thread)
            #expect(chat.text.contains("Walkthrough &lt;Friday&gt;?"))
            #expect(
                !(try await ownerPage.get("/conversations").text.contains("class=\"unread\"")),
                "opening the thread read it")

            let stranger = try await WebBrowser.signedIn(t, as: try await t.register(.contractor))
            #expect(try await stranger.get(thread).status == .notFound)
            #expect(try await stranger.post(thread + "/messages", [("body", "hi")]).status == .notFound)
        }
    }
}

@Suite struct WebCompanyAndNotificationPagesTests {
    @Test func theCompanyPageShowsPlanUsageAndAdminsEditTheProfile() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner, company: "Usage Co")
            _ = try await t.openProject(owner)
            let page = try await WebBrowser.signedIn(t, as: owner)
            let view = try await page.get("/company")
            #expect(view.text.contains("Plan: FREE"))
            #expect(view.text.contains("<th scope=\"row\">Open projects at once</th><td data-label=\"Used\">1"))
            #expect(view.text.contains("<td data-label=\"Allowed\">3</td>"), "FREE allows three open projects")
            #expect(try await page.post("/company", [("name", "Usage Co"), ("trades[]", "99x")]).status == .badRequest)
            #expect(
                try await page.post("/company", [("name", "Usage Company"), ("trades[]", "26"), ("states[]", "OK")])
                    .status == .seeOther)
            let company = try #require(try await CompanyModel.find(owner.companyId, on: t.app.db))
            #expect(company.name == "Usage Company" && company.trades == ["26"] && company.serviceStates == ["OK"])

            let member = try await t.join(owner, role: .contractor)
            let memberPage = try await WebBrowser.signedIn(t, as: member)
            #expect(!(try await memberPage.get("/company").text.contains("Save profile")))
            #expect(try await memberPage.post("/company", [("name", "Hijacked")]).status == .forbidden)
        }
    }

    @Test func theUnreadBadgeNotificationsPageAndLiveTicket() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(try await t.register(.subcontractor), on: project)
            let page = try await WebBrowser.signedIn(t, as: owner)
            let dashboard = try await page.get("/dashboard")
            #expect(dashboard.text.contains("data-unread-badge>1</span>"))
            let notifications = try await page.get("/notifications")
            #expect(notifications.text.contains("href=\"/projects/\(project.uuidString.lowercased())\""))
            #expect(
                notifications.text.contains("<div data-live-scope data-live-any>"),
                "new notifications appear on the open page")
            #expect(try await page.post("/notifications/read-all", []).status == .seeOther)
            #expect(try await page.get("/dashboard").text.contains("data-unread-badge hidden>0</span>"))

            let refused = try await page.post("/live/ticket", [])
            #expect(refused.status == .forbidden, "the ticket needs the CSRF header")
            let cookie = page.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let ticket = try await t.request(
                .POST, "/live/ticket", headers: ["Cookie": cookie, "X-CSRF-Token": page.csrf ?? ""])
            #expect(ticket.status == .created && (ticket.json["ticket"].string?.count ?? 0) > 20)
            let signedOut = try await t.request(.POST, "/live/ticket", headers: ["X-CSRF-Token": "x"])
            #expect(signedOut.status == .seeOther)
        }
    }
}

@Suite struct WebSignedInSnapshotTests {
    /// The pages an owner and a bidder live in on bid day, with fixed names so the snapshots are stable.
    @Test func signedInPagesMatchTheirSnapshots() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner, company: "Snapshot Owners", email: "owner@snapshot.test")
            let project = try await t.openProject(owner)
            let sub = try await t.register(
                .subcontractor, company: "Snapshot Electric", trades: ["26"], email: "sub@snapshot.test")
            _ = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(sub.companyId.uuidString)]] as [String: JSONValue])
            _ = try await t.submitBid(sub, on: project, amount: 1_234_500)
            let subPage = try await WebBrowser.signedIn(t, as: sub)
            #expect(
                try await subPage.post("/projects/\(project)/questions", [("body", "Is the slab included?")]).status
                    == .seeOther)
            let ownerPage = try await WebBrowser.signedIn(t, as: owner)
            try HTMLSnapshot.check(try await ownerPage.get("/projects/\(project)").text, named: "project-owner")
            try HTMLSnapshot.check(try await subPage.get("/projects/\(project)").text, named: "project-bidder")
            try HTMLSnapshot.check(try await subPage.get("/dashboard").text, named: "dashboard-bidder")
        }
    }
}

@Suite struct WebPageWeightTests {
    /// Bid day: the owner's page with 40 bids, invitations, questions and every form stays under 100 KB with its assets.
    @Test func theOwnersBusiestPageStaysUnderOneHundredKilobytes() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            let project = try await t.openProject(owner)
            for index in 0..<40 {
                let bidder = try await t.register(
                    .subcontractor, company: "Bidder number \(index) Electrical and Mechanical")
                _ = try await t.submitBid(bidder, on: project, amount: 1_000_000 + Int64(index) * 1_000)
                _ = try await t.request(
                    .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                    body: ["companyIds": [.string(bidder.companyId.uuidString)]] as [String: JSONValue])
            }
            let page = try await (try await WebBrowser.signedIn(t, as: owner)).get("/projects/\(project)")
            #expect(page.text.contains("Bidder number 39"))
            let assets = try ["bidforge.css", "bidforge.js", "favicon.svg"].map {
                try Data(contentsOf: URL(fileURLWithPath: "Public/static/\($0)")).count
            }.reduce(0, +)
            let total = page.body.readableBytes + assets
            #expect(total < 100_000, "owner's project page + assets = \(total) bytes")
        }
    }
}

@Suite struct WebFormForgeryTests {
    /// Every form a signed-in page posts to checks its CSRF token before it looks at anything else: listed from the
    /// routes themselves, so a new form without the check fails here.
    @Test func everyPagePostRefusesAMissingToken() async throws {
        try await TestApp.run { t in
            let browser = try await WebBrowser.signedIn(t, as: try await t.register(.owner))
            let posts = t.app.routes.all.filter { $0.userInfo[pageRouteKey] as? Bool == true && $0.method == .POST }
            #expect(posts.count >= 20, "\(posts.count) page forms found")
            for route in posts {
                let path =
                    "/"
                    + route.path.map { component -> String in
                        if case .parameter = component { return UUID().uuidString }
                        return component.description
                    }.joined(separator: "/")
                let r = try await browser.post(path, [("x", "1")], csrf: false)
                #expect(r.status == .forbidden, "\(path) answered \(r.status) without a CSRF token")
            }
        }
    }
}

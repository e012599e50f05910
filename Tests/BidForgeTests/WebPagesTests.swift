import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge

@Suite struct WebAccountPagesTests {
    @Test func signUpSignOutAndSignInAgainWithASessionCookie() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            let email = "olive-\(UUID().uuidString.prefix(6))@example.com"
            let signup = try await browser.signUp(email: email, name: "Olive Owner")
            #expect(signup.status == .seeOther)
            #expect(signup.headers.first(name: .location) == "/dashboard")
            let session = try #require(browser.lastSetCookies.first { $0.hasPrefix("bf_session=") })
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"))
            #expect(!session.contains("Secure"), "plain HTTP: no Secure flag (it is set behind TLS)")
            let stored = try await WebSessionModel.query(on: t.app.db).all()
            #expect(stored.count == 1)
            #expect(!session.contains(stored[0].tokenHash), "only the token's hash is stored")

            let dashboard = try await browser.get("/dashboard")
            #expect(dashboard.status == .ok)
            #expect(dashboard.text.contains("Olive Owner"))
            #expect(dashboard.headers.first(name: .cacheControl) == "no-store")

            let out = try await browser.post("/logout", [])
            #expect(out.status == .seeOther)
            #expect(try await WebSessionModel.query(on: t.app.db).count() == 0)
            let bounced = try await browser.get("/dashboard")
            #expect(bounced.status == .seeOther)
            #expect(bounced.headers.first(name: .location) == "/login?next=%2Fdashboard")

            try await browser.get("/login")
            let wrong = try await browser.post("/login", [("email", email), ("password", "not-the-password")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Email or password is incorrect."))
            #expect(wrong.text.contains("value=\"\(email)\""), "the email stays filled in")
            let right = try await browser.post(
                "/login", [("email", email), ("password", "correct-horse-battery"), ("next", "/dashboard")])
            #expect(right.status == .seeOther)
            #expect(try await browser.get("/dashboard").status == .ok)
        }
    }

    @Test func formsWithoutTheirCSRFTokenAreRefused() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try await browser.get("/login")
            #expect(browser.csrf != nil)
            let forged = try await browser.post(
                "/login", [("email", "a@example.com"), ("password", "whatever-it-is")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(forged.headers.contentType == .html, "pages answer errors with HTML")
            let mismatched = try await browser.post(
                "/login", [("email", "a@example.com"), ("password", "x"), ("_csrf", "guess")], csrf: false)
            #expect(mismatched.status == .forbidden)
            #expect(try await browser.post("/logout", [], csrf: false).status == .forbidden)
        }
    }

    @Test func signUpMistakesAreShownNextToTheirFields() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try await browser.get("/signup")
            let r = try await browser.post(
                "/signup",
                [
                    ("name", "Pat"), ("email", "not-an-email"), ("password", "short"),
                    ("role", "SUBCONTRACTOR"), ("companyName", ""), ("states", "ZZ")
                ])
            #expect(r.status == .badRequest)
            for field in ["email", "password", "companyName", "states"] {
                #expect(r.text.contains("id=\"\(field)-error\""), "no error shown for \(field)")
            }
            #expect(r.text.contains("value=\"SUBCONTRACTOR\" checked"), "choices survive the round trip")
            let taken = try await browser.signUp(email: "same@example.com")
            #expect(taken.status == .seeOther)
            let other = WebBrowser(t)
            let again = try await other.signUp(email: "same@example.com")
            #expect(again.status == .conflict)
            #expect(again.text.contains("id=\"email-error\""))
        }
    }

    @Test func sign_in_redirects_stay_on_this_site() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try await browser.signUp(email: "stay@example.com")
            try await browser.post("/logout", [])
            try await browser.get("/login?next=//evil.example/")
            let r = try await browser.post(
                "/login",
                [
                    ("email", "stay@example.com"), ("password", "correct-horse-battery"),
                    ("next", "//evil.example/")
                ])
            #expect(r.headers.first(name: .location) == "/dashboard")
            // Browsers drop tabs and newlines and read a backslash as a slash: each of these would leave the site.
            for evil in [
                "/\t/evil.example/phish", "/\\evil.example", "/\n/evil.example", " //evil.example", "/\r\n/evil",
                "\t//evil.example", "https://evil.example", "/%09/ok"
            ] {
                try await browser.post("/logout", [])
                let page = try await browser.get(
                    "/login?next=" + (evil.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
                #expect(!page.text.contains("evil.example"), "the form does not carry \(evil.debugDescription)")
                let signedIn = try await browser.post(
                    "/login",
                    [
                        ("email", "stay@example.com"), ("password", "correct-horse-battery"),
                        ("next", evil)
                    ])
                let location = signedIn.headers.first(name: .location)
                #expect(
                    location == (evil == "/%09/ok" ? "/%09/ok" : "/dashboard"),
                    "\(evil.debugDescription) → \(location ?? "nil")")
            }
            #expect(
                SiteURL.isLocal("/projects/abc?tab=bids#my-bid") && !SiteURL.isLocal("/\t/evil")
                    && !SiteURL.isLocal("/\\evil"))
        }
    }
}

@Suite struct WebProjectPagesTests {
    @Test func searchShowsOpenProjectsEscapedAndFiltered() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            _ = try await t.openProject(
                owner, t.projectJSON(title: "<script>alert(1)</script> Clinic", trades: ["26"], state: "TX"))
            _ = try await t.openProject(owner, t.projectJSON(title: "Harbor school", trades: ["09"], state: "CA"))
            _ = try await t.createProject(owner, t.projectJSON(title: "Draft clinic"))
            let browser = WebBrowser(t)
            let all = try await browser.get("/")
            #expect(all.text.contains("2 open projects found"))
            #expect(all.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Clinic"))
            #expect(!all.text.contains("<script>alert(1)"))
            #expect(!all.text.contains("Draft clinic"))
            let texas = try await browser.get("/?state=TX&trade=26&q=clinic")
            #expect(
                texas.text.contains("1 open projects found") && texas.text.contains("Clinic")
                    && !texas.text.contains("Harbor"))
            let bad = try await browser.get("/?minBudget=lots")
            #expect(bad.text.contains("must be a whole number of dollars"))
            let policy = try #require(all.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"))
        }
    }

    @Test func projectPagesFollowTheAPIsVisibilityAndServeDocuments() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(
                owner, t.projectJSON(title: "Private clinic", visibility: "INVITE_ONLY"))
            let doc = try #require(
                try await t.upload(owner, to: project, Samples.pdf(2_000), filename: "plans.pdf").json["id"].uuid)

            let stranger = WebBrowser(t)
            let hidden = try await stranger.get("/projects/\(project)")
            #expect(hidden.status == .notFound)
            #expect(hidden.headers.contentType == .html)
            #expect(try await stranger.get("/documents/\(doc)").status == .notFound)

            let invited = WebBrowser(t)
            try await invited.signUp(role: "SUBCONTRACTOR", email: "invited@example.com")
            let user = try #require(
                try await UserModel.query(on: t.app.db).filter(\.$email == "invited@example.com").first())
            let invite = try await t.request(
                .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
                body: ["companyIds": [.string(user.companyId.uuidString)]] as [String: JSONValue])
            try #require(invite.status == .created)
            let page = try await invited.get("/projects/\(project)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Private clinic") && page.text.contains("plans.pdf"))
            let download = try await invited.get("/documents/\(doc)")
            #expect(download.status == .ok)
            #expect(download.body.readableBytes == 2_000)
        }
    }

    @Test func pagesStayUnderOneHundredKilobytes() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            try await t.setPlan(owner.companyId, .enterprise)
            for index in 0..<25 {
                _ = try await t.openProject(
                    owner, t.projectJSON(title: "Project \(index) with a longer title than most"))
            }
            let browser = WebBrowser(t)
            let home = try await browser.get("/")
            let assets = try ["bidforge.css", "bidforge.js", "favicon.svg"].map {
                try Data(contentsOf: URL(fileURLWithPath: "Public/static/\($0)")).count
            }.reduce(0, +)
            let total = home.body.readableBytes + assets
            #expect(total < 100_000, "home page + assets = \(total) bytes")
        }
    }

    @Test func keyPagesMatchTheirSnapshots() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try HTMLSnapshot.check(try await browser.get("/login").text, named: "login")
            try HTMLSnapshot.check(try await browser.get("/signup").text, named: "signup")
            try HTMLSnapshot.check(try await browser.get("/").text, named: "home-empty")
        }
    }
}

@Suite struct WebOwnerPagesTests {
    func projectForm(_ title: String, due: String = "2026-12-10T17:00") -> [(String, String)] {
        [
            ("title", title), ("description", "Two floors"), ("city", "Austin"), ("state", "TX"),
            ("postalCode", "78701"),
            ("minBudget", "50,000"), ("maxBudget", "90000"), ("bidDueAt", due), ("utcOffsetMinutes", "-360"),
            ("visibility", "PUBLIC"), ("trades[]", "26")
        ]
    }

    @Test func anOwnerPostsPublishesUploadsAndCancelsThroughThePages() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try await browser.signUp(role: "OWNER", email: "poster@example.com")
            #expect(try await browser.get("/projects/new").status == .ok)

            let invalid = try await browser.post(
                "/projects",
                [
                    ("title", ""), ("city", ""), ("state", "TX"), ("postalCode", "78701"),
                    ("bidDueAt", "soon")
                ])
            #expect(invalid.status == .badRequest)
            #expect(invalid.text.contains("id=\"bidDueAt-error\""))
            #expect(
                invalid.text.contains("id=\"title-error\"") && invalid.text.contains("id=\"city-error\""),
                "every problem at once, not the due time's first")
            // The smallest integer as the browser's offset once trapped in `abs` and took the process down.
            let extreme = projectForm("Offset").map {
                $0.0 == "utcOffsetMinutes" ? ("utcOffsetMinutes", "-9223372036854775808") : $0
            }
            #expect(try await browser.post("/projects", extreme).status == .seeOther, "an impossible offset is ignored")
            let february = try await browser.post(
                "/projects", projectForm("Typo").map { $0.0 == "bidDueAt" ? ("bidDueAt", "2031-02-30T10:00") : $0 })
            #expect(
                february.status == .badRequest && february.text.contains("id=\"bidDueAt-error\""),
                "30 February is refused, not 2 March")
            #expect(
                try await browser.get("/?page=461168601842738791").status == .ok,
                "a huge page number is clamped, not multiplied")

            let created = try await browser.post("/projects", projectForm("Clinic electrical"))
            #expect(created.status == .seeOther)
            let location = try #require(created.headers.first(name: .location))
            let id = try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")))
            let stored = try #require(try await ProjectModel.find(id, on: t.app.db))
            #expect(stored.status == .draft && stored.budgetMinCents == 5_000_000)
            // 17:00 at UTC−6 (the browser said −360 minutes) is 23:00 UTC.
            #expect(JSONCoding.formatDate(stored.bidDueAt) == "2026-12-10T23:00:00Z")

            let page = try await browser.get(location)
            #expect(page.text.contains("action=\"\(location)/publish\""))
            #expect(try await browser.post(location + "/publish", []).status == .seeOther)
            #expect(try await ProjectModel.find(id, on: t.app.db)?.status == .open)

            // Upload without script: the token rides in the action URL; without it the file is not read.
            var body = MultipartBody()
            body.file(Samples.pdf(1_500), filename: "plans.pdf", type: "application/pdf")
            let refused = try await t.request(
                .POST, location + "/documents", headers: ["Cookie": cookieHeader(browser)],
                rawBody: body.finished(), contentType: body.contentType)
            #expect(refused.status == .forbidden)
            let uploaded = try await t.request(
                .POST, location + "/documents?_csrf=\(browser.csrf ?? "")",
                headers: ["Cookie": cookieHeader(browser)], rawBody: body.finished(),
                contentType: body.contentType)
            #expect(uploaded.status == .seeOther)
            let withDocument = try await browser.get(location)
            #expect(withDocument.text.contains("plans.pdf") && withDocument.text.contains("addendum 1"))
            let viaScript = try await t.request(
                .POST, location + "/documents",
                headers: [
                    "Cookie": cookieHeader(browser), "X-CSRF-Token": browser.csrf ?? "", "Accept": "application/json"
                ],
                rawBody: body.finished(), contentType: body.contentType)
            #expect(viaScript.status == .created)
            #expect(viaScript.json["addendumNumber"].int == 2)
            // A browser without the script sends `*/*` among its types: it gets the page, not the API's JSON.
            let browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
            let plainForm = try await t.request(
                .POST, location + "/documents?_csrf=\(browser.csrf ?? "")",
                headers: ["Cookie": cookieHeader(browser), "Accept": browserAccept], rawBody: body.finished(),
                contentType: body.contentType)
            #expect(plainForm.status == .seeOther && plainForm.headers.first(name: .location) == location + "#docs")
            var empty = MultipartBody()
            empty.file([], filename: "empty.pdf", type: "application/pdf")
            let refusedPlain = try await t.request(
                .POST, location + "/documents?_csrf=\(browser.csrf ?? "")",
                headers: ["Cookie": cookieHeader(browser), "Accept": browserAccept], rawBody: empty.finished(),
                contentType: empty.contentType)
            #expect(refusedPlain.status == .badRequest)
            #expect(refusedPlain.headers.contentType == .html, "the project page with the reason, not JSON")
            #expect(
                refusedPlain.text.contains("<link rel=\"canonical\" href=\"\(location)\">"),
                "the page names its own address: reload and live refresh use it, not the upload URL")

            #expect(try await browser.post(location + "/cancel", []).status == .seeOther)
            let again = try await browser.post(location + "/publish", [])
            #expect(again.status == .conflict)
            #expect(again.text.contains("id=\"notice\""))
        }
    }

    @Test func othersCannotManageTheProject() async throws {
        try await TestApp.run { t in
            let owner = WebBrowser(t)
            try await owner.signUp(role: "OWNER")
            let created = try await owner.post("/projects", projectForm("Mine"))
            let location = try #require(created.headers.first(name: .location))
            let other = WebBrowser(t)
            try await other.signUp(role: "CONTRACTOR")
            #expect(
                try await other.post(location + "/publish", []).status == .notFound, "a draft is invisible to others")
            let sub = WebBrowser(t)
            try await sub.signUp(role: "SUBCONTRACTOR")
            #expect(try await sub.get("/projects/new").status == .forbidden)
        }
    }

    func cookieHeader(_ browser: WebBrowser) -> String {
        browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
    }
}

@Suite struct WebBidderPagesTests {
    @Test func aSubcontractorBidsWithLineItemsAndSeesAddendaItMissed() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.openProject(owner, t.projectJSON(title: "Clinic", trades: ["26", "09"]))
            let sub = WebBrowser(t)
            try await sub.signUp(role: "SUBCONTRACTOR", email: "sparky@example.com")
            let page = try await sub.get("/projects/\(project)")
            #expect(page.text.contains("Submit a bid"))
            #expect(page.text.contains("<option value=\"26\">26 Electrical</option>"), "trades are the project's")

            let empty = try await sub.post(
                "/projects/\(project)/bids", [("description[]", ""), ("quantity[]", ""), ("unitPrice[]", "")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("id=\"notice\""))

            let r = try await sub.post(
                "/projects/\(project)/bids",
                [
                    ("description[]", "Service entrance"), ("trade[]", "26"), ("quantity[]", "1"), ("unit[]", "LS"),
                    ("unitPrice[]", "12,500.00"),
                    ("description[]", "Drywall patching"), ("trade[]", "09"), ("quantity[]", "2.5"), ("unit[]", "HR"),
                    ("unitPrice[]", "80.10"),
                    ("description[]", ""), ("trade[]", "26"), ("quantity[]", ""), ("unit[]", "EA"), ("unitPrice[]", ""),
                    ("exclusions", "Permits\nUtility fees"), ("acknowledgedAddendum", "0")
                ])
            #expect(r.status == .seeOther, "\(r.text.prefix(300))")
            let user = try #require(
                try await UserModel.query(on: t.app.db).filter(\.$email == "sparky@example.com").first())
            let bid = try #require(
                try await BidModel.query(on: t.app.db).filter(\.$companyId == user.companyId).first())
            #expect(bid.amountCents == 1_250_000 + 20_025)  // 2.5 × $80.10 = $200.25
            #expect(try bid.lineItems.count == 2)
            #expect(try bid.exclusions == ["Permits", "Utility fees"])
            let owners = try await t.notifications(owner)
            #expect(owners.contains { $0["type"].string == "BID_SUBMITTED" }, "the owner is told, as with the API")

            let after = try await sub.get("/projects/\(project)")
            #expect(after.text.contains("Your bid") && after.text.contains("$12,700.25"))
            #expect(!after.text.contains("Submit a bid"), "one live bid per company")
            _ = try await t.upload(owner, to: project, Samples.pdf(500), filename: "A-2.pdf")
            let stale = try await sub.get("/projects/\(project)")
            #expect(stale.text.contains("id=\"stale-warning\""))

            let ownerPage = try await t.request(.GET, "/projects/\(project)")
            #expect(!ownerPage.text.contains("Submit a bid"), "visitors who are not signed in get no bid form")
        }
    }
}

@Suite struct WebLevelingPagesTests {
    @Test func theOwnerLevelsDownloadsAndAwardsFromTheProjectPage() async throws {
        try await TestApp.run { t in
            let ownerPage = WebBrowser(t)
            try await ownerPage.signUp(role: "OWNER", email: "leveler@example.com")
            let owner = try await t.relogin(
                Member(
                    auth: try await t.request(
                        .POST, "/api/v1/auth/login",
                        body: ["email": "leveler@example.com", "password": "correct-horse-battery"]),
                    email: "leveler@example.com", role: .owner))
            let project = try await t.openProject(owner)
            let low = try await t.register(.subcontractor, company: "Low Bid Electric")
            let high = try await t.register(.contractor, company: "High Bid Builders")
            _ = try await t.submitBid(low, on: project, amount: 1_000_000)
            _ = try await t.upload(owner, to: project, Samples.pdf(300))  // addendum 1: both bids now predate it
            let highBid = try await t.submitBid(high, on: project, amount: 1_250_000)

            let page = try await ownerPage.get("/projects/\(project)")
            #expect(page.text.contains("Bids, side by side"))
            #expect(page.text.contains("Low Bid Electric") && page.text.contains("+25.0 %"))
            #expect(page.text.components(separatedBy: "stale addendum").count - 1 == 2)
            let csv = try await ownerPage.get("/projects/\(project)/leveling.csv")
            #expect(csv.status == .ok && csv.headers.first(name: .contentType)?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains("High Bid Builders"))

            #expect(!page.text.contains(">Award</button>"), "bidding is still open: nothing to award yet")
            #expect(try await ownerPage.post("/projects/\(project)/close", []).status == .seeOther)
            #expect(try await ownerPage.get("/projects/\(project)").text.contains(">Award</button>"))
            let awarded = try await ownerPage.post("/projects/\(project)/award", [("bidId", highBid.uuidString)])
            #expect(awarded.status == .seeOther)
            #expect(try await ProjectModel.find(project, on: t.app.db)?.status == .awarded)
            let losers = try await t.notifications(low)
            #expect(losers.contains { $0["type"].string == "BID_REJECTED" })
            let twice = try await ownerPage.post("/projects/\(project)/award", [("bidId", highBid.uuidString)])
            #expect(twice.status == .conflict)

            let bidder = WebBrowser(t)
            try await bidder.signUp(role: "CONTRACTOR")
            #expect(try await bidder.get("/projects/\(project)/leveling.csv").status == .forbidden)
        }
    }
}

@Suite struct WebCookieTests {
    @Test func cookiesAreSecureWhenTheRequestArrivedOverTLS() async throws {
        try await TestApp.run { t in
            let browser = WebBrowser(t)
            try await browser.get("https://bidforge.test/signup")
            #expect(browser.lastSetCookies.first { $0.hasPrefix("bf_csrf=") }?.contains("Secure") == true)
            try await browser.post(
                "https://bidforge.test/signup",
                [
                    ("name", "Tls Tester"), ("email", "tls@example.com"), ("password", "correct-horse-battery"),
                    ("role", "OWNER"),
                    ("companyName", "Tls Co"), ("states", "TX")
                ])
            let session = try #require(browser.lastSetCookies.first { $0.hasPrefix("bf_session=") })
            #expect(session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Lax"))
        }
    }
}

@Suite struct WebWriteLimitTests {
    @Test func formPostsShareTheAPIsPerUserWriteLimit() async throws {
        try await TestApp.run(
            rateLimited: true,
            environment: [
                "RATE_LIMIT_WRITES_PER_MINUTE": "2",
                "RATE_LIMIT_PER_ADDRESS_PER_MINUTE": "1000"
            ]
        ) { t in
            let browser = WebBrowser(t)
            try await browser.signUp(role: "OWNER")
            let form: [(String, String)] = [
                ("title", "Limited"), ("city", "Austin"), ("state", "TX"), ("postalCode", "78701"),
                ("bidDueAt", "2026-12-10T17:00")
            ]
            #expect(try await browser.post("/projects", form).status == .seeOther)
            #expect(try await browser.post("/projects", form).status == .seeOther)
            let third = try await browser.post("/projects", form)
            #expect(third.status == .tooManyRequests)
            #expect(third.headers.first(name: .retryAfter) != nil)
        }
    }
}

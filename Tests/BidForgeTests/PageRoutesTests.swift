import Foundation
import Testing
import Vapor

@testable import BidForge

/// The page route table (`SiteURL`) is the one place page paths live: every page is registered from it, every entry
/// is served, and every link a page renders leads to a served page.
@Suite struct PageRoutesTests {
    static func template(of route: Route) -> String {
        "/" + route.path.map(\.description).joined(separator: "/")
    }

    @Test func everyPageRouteComesFromTheTableAndEveryEntryIsServed() async throws {
        try await TestApp.run { t in
            let pages = t.app.routes.all.filter { $0.userInfo[pageRouteKey] as? Bool == true }
            let registered = Set(pages.map(Self.template))
            let table = Set(SiteURL.allCases.map(\.rawValue))
            #expect(
                registered.subtracting(table).isEmpty,
                "pages registered outside SiteURL: \(registered.subtracting(table))")
            #expect(
                table.subtracting(registered).isEmpty,
                "SiteURL entries nothing serves: \(table.subtracting(registered))")
        }
    }

    @Test func linksAreFilledFromTheTemplate() {
        let project = UUID(), bid = UUID()
        #expect(SiteURL.project(project) == "/projects/\(project.lowercasedString)")
        #expect(SiteURL.bidRevise(bid) == "/bids/\(bid.lowercasedString)/revise")
        #expect(SiteURL.dashboard.path == "/dashboard")
        #expect(SiteURL.home.pathComponents.isEmpty)
    }

    /// Every `href` and form `action` on the pages a signed-in owner and bidder see leads to a page route (or to the
    /// static assets and the API the pages also use).
    @Test func everyRenderedLinkLeadsToAServedPage() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let bidder = try await t.register(.subcontractor)
            let project = try await t.openProject(owner)
            _ = try await t.submitBid(bidder, on: project)
            let patterns = t.app.routes.all.filter { $0.userInfo[pageRouteKey] as? Bool == true }.map(\.path)
            func served(_ link: String) -> Bool {
                let path = String(link.prefix { $0 != "?" && $0 != "#" })
                if path.hasPrefix("/static/") || path.hasPrefix("/api/") || path.isEmpty { return true }
                let parts = path.split(separator: "/").map(String.init)
                return patterns.contains { pattern in
                    pattern.count == parts.count
                        && zip(pattern, parts).allSatisfy { component, part in
                            if case .parameter = component { return UUID(uuidString: part) != nil }
                            return component.description == part
                        }
                }
            }
            var checked = 0
            for (member, paths) in [
                (owner, ["/", "/dashboard", "/projects/\(project)", "/projects/new", "/company"]),
                (bidder, ["/dashboard", "/projects/\(project)", "/notifications", "/conversations"])
            ] {
                let browser = try await WebBrowser.signedIn(t, as: member)
                for path in paths {
                    let page = try await browser.get(path)
                    #expect(page.status == .ok, "\(path)")
                    let links = page.text.matches(of: try Regex(#"(?:href|action)="(/[^"]*)""#)).compactMap {
                        $0.output[1].substring.map(String.init)
                    }
                    for link in links {
                        checked += 1
                        #expect(served(link.replacingOccurrences(of: "&amp;", with: "&")), "\(path) links to \(link)")
                    }
                }
            }
            #expect(checked > 40, "the pages were read")
        }
    }
}

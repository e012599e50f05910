import Foundation
import Testing
import Vapor

@testable import BidForge

@Suite struct StaticAssetsTests {
    func stylesheetLink(_ html: String) -> String? {
        guard let range = html.range(of: #"href="[^"]*bidforge[^"]*\.css""#, options: .regularExpression) else {
            return nil
        }
        return String(html[range].dropFirst(6).dropLast())
    }

    @Test func pagesNameFingerprintedAssetsThatAreCachedForever() async throws {
        try await TestApp.run { t in
            let page = try await t.request(.GET, "/")
            #expect(page.status == .ok)
            #expect(page.headers.contentType == .html)
            let link = try #require(stylesheetLink(page.text), "no stylesheet in \(page.text)")
            #expect(
                link.range(of: #"^/static/bidforge\.[0-9a-f]{12}\.css$"#, options: .regularExpression) != nil, "\(link)"
            )

            let css = try await t.request(.GET, link)
            #expect(css.status == .ok)
            #expect(css.headers.first(name: .cacheControl) == "public, max-age=31536000, immutable")
            #expect(css.headers.first(name: .contentType)?.hasPrefix("text/css") == true)
            let onDisk = try String(contentsOfFile: "Public/static/bidforge.css", encoding: .utf8)
            #expect(css.text == onDisk)
            let etag = try #require(css.headers.first(name: .eTag))
            #expect(try await t.request(.GET, link, headers: ["If-None-Match": etag]).status == .notModified)

            #expect(
                try await t.request(.GET, "/static/bidforge.css").status == .notFound,
                "unversioned names are never served")
            #expect(try await t.request(.GET, "/static/bidforge.000000000000.css").status == .notFound)
            #expect(try await t.request(.GET, "/static/..%2F..%2FPackage.swift").status == .notFound)
        }
    }

    @Test func assetPrefixPointsEveryAssetAtTheCDN() async throws {
        try await TestApp.run(environment: ["ASSET_PREFIX": "https://cdn.example.com/"]) { t in
            let page = try await t.request(.GET, "/")
            let link = try #require(stylesheetLink(page.text))
            #expect(link.hasPrefix("https://cdn.example.com/static/bidforge."), "\(link)")
            #expect(page.text.contains("href=\"https://cdn.example.com/static/favicon."))
            #expect(
                page.headers.first(name: "Content-Security-Policy")?.contains("style-src https://cdn.example.com;")
                    == true)
            // The CDN fetches from here by the same path.
            let path = String(link.dropFirst("https://cdn.example.com".count))
            #expect(try await t.request(.GET, path).status == .ok)
        }
        #expect(throws: Settings.Problems.self) {
            try Settings.fromEnvironment(["ASSET_PREFIX": "ftp://cdn.example.com"])
        }
    }

    @Test func theFingerprintFollowsTheBytes() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("assets-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "body { color: black; }".write(toFile: folder + "/app.css", atomically: true, encoding: .utf8)
        let before = StaticAssets.scan(folder, prefix: "").url(for: "app.css")
        #expect(StaticAssets.scan(folder, prefix: "").url(for: "app.css") == before, "stable while unchanged")
        try "body { color: navy; }".write(toFile: folder + "/app.css", atomically: true, encoding: .utf8)
        #expect(StaticAssets.scan(folder, prefix: "").url(for: "app.css") != before)
    }
}

import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge

/// libvips is a run-time library: CI installs it (and sets BIDFORGE_TEST_REQUIRE_VIPS=1 so its absence fails).
enum VipsAvailability {
    static var present: Bool {
        ProcessInfo.processInfo.environment["BIDFORGE_TEST_REQUIRE_VIPS"] == "1"
            || [
                "/usr/lib/x86_64-linux-gnu/libvips.so.42", "/usr/lib/aarch64-linux-gnu/libvips.so.42",
                "/usr/lib/libvips.so.42"
            ]
            .contains { FileManager.default.fileExists(atPath: $0) }
    }
}

@Suite struct DerivativeTests {
    @Test(
        .enabled(if: VipsAvailability.present, "libvips is not installed (apt-get install libvips42)"),
        arguments: StorageBackend.allCases)
    func imagesGetDisplayAndThumbnailVersionsOnce(backend: StorageBackend) async throws {
        try await backend.run { t in
            let imaging = t.app.derivatives.imaging
            try #require(imaging.available, "libvips should load: \(imaging.problem ?? "")")
            let health = try await t.request(.GET, "/api/health")
            #expect(health.json["checks"]["imaging"]["status"].string == "ok")

            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let png = Samples.png(width: 1800, height: 1200)
            let uploaded = try await t.upload(owner, to: project, png, filename: "site-photo.png", type: "image/png")
            let id = try #require(uploaded.json["id"].uuid, "\(uploaded.text)")
            #expect(uploaded.json["variants"].array.isEmpty, "made in the background, not during the upload")

            // Before the background work runs, asking for a variant serves the original and says so.
            let early = try await t.download(id, token: owner.token, variant: "thumbnail")
            #expect(early.bytes.map(Samples.sha256) == Samples.sha256(png))
            #expect(early.response.headers.first(name: "X-Document-Variant") == "original")

            #expect(try await t.app.derivatives.makeNext())
            #expect(try await t.app.derivatives.makeNext() == false, "each image is made once")
            let list = try await t.request(.GET, "/api/v1/projects/\(project)/documents", token: owner.token)
            #expect(list.json["data"][0]["variants"].array.compactMap(\.string) == ["display", "thumbnail"])

            let display = try await t.download(id, token: owner.token, variant: "display")
            let displayBytes = try #require(display.bytes)
            #expect(displayBytes.starts(with: [0xFF, 0xD8, 0xFF]), "a JPEG")
            #expect(Samples.jpegSize(displayBytes).map { [$0.width, $0.height] } == [1200, 800])
            let thumbnail = try #require(try await t.download(id, token: owner.token, variant: "thumbnail").bytes)
            #expect(Samples.jpegSize(thumbnail).map { [$0.width, $0.height] } == [400, 267])
            let original = try await t.download(id, token: owner.token).bytes
            #expect(original.map(Samples.sha256) == Samples.sha256(png), "the original is kept as uploaded")
            let stored = try #require(try await DocumentModel.find(id, on: t.app.db))
            #expect(stored.displayKey == stored.storageKey + ".display.jpg")
        }
    }

    @Test(.enabled(if: VipsAvailability.present, "libvips is not installed"))
    func smallImagesAreNotEnlargedAndBrokenOnesFallBackToTheOriginal() async throws {
        try await TestApp.run { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let small = try #require(
                try await t.upload(
                    owner, to: project, Samples.png(width: 300, height: 200), filename: "icon.png",
                    type: "image/png"
                ).json["id"].uuid)
            // A PNG signature and nothing a decoder can use after it.
            let broken = Array(Samples.png(width: 8, height: 8).prefix(8)) + Array(repeating: 0x42, count: 200)
            let bad = try #require(
                try await t.upload(owner, to: project, broken, filename: "bad.png", type: "image/png").json["id"].uuid)
            for _ in 0..<(DerivativeMaker.maxAttempts + 2) {
                t.clock.advance(by: 60)
                _ = try await t.app.derivatives.makeNext()
            }
            let display = try #require(try await t.download(small, token: owner.token, variant: "display").bytes)
            #expect(Samples.jpegSize(display).map { [$0.width, $0.height] } == [300, 200])
            let stored = try #require(try await DocumentModel.find(bad, on: t.app.db))
            #expect(stored.derivatives == .failed)
            #expect(stored.derivativeAttempts == DerivativeMaker.maxAttempts)
            let fallback = try await t.download(bad, token: owner.token, variant: "display")
            #expect(fallback.bytes.map(Samples.sha256) == Samples.sha256(broken))
        }
    }

    /// A 0.39 MB PNG of 20000×20000 pixels once cost 9.5 s of CPU on the pool that serves file reads. The header is now
    /// read first: over the pixel budget (`IMAGING_MAX_MEGAPIXELS`), the original is served and nothing is decoded.
    @Test(.enabled(if: VipsAvailability.present, "libvips is not installed"))
    func imagesOverThePixelBudgetAreServedAsUploaded() async throws {
        try await TestApp.run(environment: ["IMAGING_MAX_MEGAPIXELS": "1"]) { t in
            #expect(t.app.derivatives.maxPixels == 1_000_000)
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let bomb = Samples.pngHeaderOnly(width: 20_000, height: 20_000)
            let large = Samples.png(width: 1_300, height: 900)
            let fits = Samples.png(width: 900, height: 600)
            var ids: [UUID] = []
            for (bytes, name) in [(bomb, "bomb.png"), (large, "large.png"), (fits, "fits.png")] {
                ids.append(
                    try #require(
                        try await t.upload(owner, to: project, bytes, filename: name, type: "image/png").json["id"].uuid
                    ))
                t.clock.advance(by: 1)
            }
            for _ in 0..<3 { #expect(try await t.app.derivatives.makeNext()) }
            for id in ids[0...1] {
                let stored = try #require(try await DocumentModel.find(id, on: t.app.db))
                #expect(
                    stored.derivatives == .failed && stored.derivativeAttempts == 1, "given up at once, not retried")
            }
            #expect(try await DocumentModel.find(ids[2], on: t.app.db)?.derivatives == .ready)
            let served = try await t.download(ids[0], token: owner.token, variant: "thumbnail")
            #expect(served.bytes.map(Samples.sha256) == Samples.sha256(bomb))
        }
    }

    /// A 777 KB 16-bit interlaced PNG of 100 megapixels took an instance from 292 MB to 1.1 GB: the budget counts the
    /// decoded bytes (channels × bit depth), and an image that kills the process while decoding is not claimed forever.
    @Test(.enabled(if: VipsAvailability.present, "libvips is not installed"))
    func theMemoryBudgetCountsDecodedBytesAndCrashesAreNotRetriedForever() async throws {
        try await TestApp.run(environment: ["IMAGING_MAX_DECODE_MB": "1"]) { t in
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            // 900 × 600 RGB, 8 bits: 1.62 MB decoded, over a 1 MB budget though well inside the pixel budget.
            let photo = try #require(
                try await t.upload(
                    owner, to: project, Samples.png(width: 900, height: 600), filename: "site.png",
                    type: "image/png"
                ).json["id"].uuid)
            #expect(try await t.app.derivatives.makeNext())
            let stored = try #require(try await DocumentModel.find(photo, on: t.app.db))
            #expect(stored.derivatives == .failed && stored.derivativeAttempts == 1)

            // As if three instances died decoding it: claimed, never answered, lease run out each time.
            let poison = try #require(
                try await t.upload(
                    owner, to: project, Samples.png(width: 20, height: 20), filename: "p.png",
                    type: "image/png"
                ).json["id"].uuid)
            try await DocumentModel.query(on: t.app.db).set(\.$derivativeAttempts, to: DerivativeMaker.maxAttempts)
                .set(\.$derivativeLeaseUntil, to: t.clock.now.addingTimeInterval(-1)).filter(\.$id == poison).update()
            #expect(try await t.app.derivatives.makeNext() == false, "not claimed a fourth time")
            #expect(try await DocumentModel.find(poison, on: t.app.db)?.derivatives == .failed)
        }
    }

    @Test func withoutLibvipsOriginalsAreServedAndHealthSaysSo() async throws {
        try await TestApp.run(environment: ["IMAGING_LIBRARIES": "libvips-not-installed.so.42"]) { t in
            #expect(t.app.derivatives.imaging.available == false)
            let health = try await t.request(.GET, "/api/health")
            #expect(health.status == .ok, "no imaging is not unhealthy")
            #expect(health.json["checks"]["imaging"]["status"].string == "disabled")
            let owner = try await t.register(.owner)
            let project = try await t.createProject(owner)
            let png = Samples.png(width: 640, height: 480)
            let id = try #require(
                try await t.upload(owner, to: project, png, filename: "photo.png", type: "image/png").json["id"].uuid)
            #expect(try await t.app.derivatives.makeNext() == false)
            let served = try await t.download(id, token: owner.token, variant: "display")
            #expect(served.bytes.map(Samples.sha256) == Samples.sha256(png))
            #expect(served.response.headers.first(name: .contentType) == "image/png")
            #expect(served.response.headers.first(name: "X-Document-Variant") == "original")
        }
    }
}

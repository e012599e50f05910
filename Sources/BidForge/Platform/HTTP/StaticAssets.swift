import Crypto
import Vapor

/// Files under `PUBLIC_DIR/static`, served as `/static/<name>.<hash>.<ext>`: the hash changes whenever the bytes do,
/// so each name can be cached forever (`immutable`) by browsers and a CDN. `url(for:)` is the only way pages name an
/// asset, and it puts `ASSET_PREFIX` (a CDN host) in front.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let name: String
        let fingerprinted: String
        let path: String
        let contentType: String
        let etag: String
    }

    static let cacheControl = "public, max-age=31536000, immutable"

    let prefix: String
    private let byName: [String: Asset]
    private let byFingerprint: [String: Asset]

    /// Every regular file directly under `directory` (a missing folder means no assets).
    static func scan(_ directory: String, prefix: String) -> StaticAssets {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        var assets: [Asset] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let hash = SHA256.hash(data: data).hex
            let ext = (name as NSString).pathExtension
            let stem = (name as NSString).deletingPathExtension
            let fingerprinted = ext.isEmpty ? "\(stem).\(hash.prefix(12))" : "\(stem).\(hash.prefix(12)).\(ext)"
            assets.append(
                Asset(
                    name: name, fingerprinted: fingerprinted, path: path,
                    contentType: HTTPMediaType.fileExtension(ext)?.serialize() ?? "application/octet-stream",
                    etag: "\"\(hash)\""))
        }
        return StaticAssets(
            prefix: prefix,
            byName: Dictionary(uniqueKeysWithValues: assets.map { ($0.name, $0) }),
            byFingerprint: Dictionary(uniqueKeysWithValues: assets.map { ($0.fingerprinted, $0) }))
    }

    /// The URL a page uses for `name` (`bidforge.css` → `https://cdn.example.com/static/bidforge.3f2a….css`).
    func url(for name: String) -> String {
        prefix + "/static/" + (byName[name]?.fingerprinted ?? name)
    }

    func asset(fingerprinted: String) -> Asset? { byFingerprint[fingerprinted] }

    var count: Int { byName.count }
}

extension Application {
    private struct StaticAssetsKey: StorageKey { typealias Value = StaticAssets }

    /// Scanned once in `configure`.
    var staticAssets: StaticAssets {
        get { configured(StaticAssetsKey.self, "the static assets") }
        set { storage[StaticAssetsKey.self] = newValue }
    }
}

struct StaticAssetsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("static", ":file", use: serve)
    }

    /// Only fingerprinted names: an unversioned URL would be cached forever with whatever bytes it had first.
    func serve(_ req: Request) async throws -> Response {
        guard let name = req.parameters.get("file"), let asset = req.application.staticAssets.asset(fingerprinted: name)
        else {
            throw APIError.notFound("Asset")
        }
        return try await FileStreaming.respond(
            to: req, path: asset.path,
            .init(
                etag: asset.etag, contentType: asset.contentType, contentDisposition: nil,
                cacheControl: StaticAssets.cacheControl))
    }
}

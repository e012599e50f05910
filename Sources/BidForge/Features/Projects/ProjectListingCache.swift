import Vapor
import Fluent
import BidForgeCore

/// Cached listings: which projects a filter and page hold (under the `listings` generation, which only project
/// writes move) and the projects themselves as cards (under each project's own generation, which bids move). A new
/// bid therefore refreshes one card, not every listing the project appears in, and the page is assembled from JSON
/// encoded once per card.
enum ProjectListingCache {
    struct Index: Codable, Sendable {
        let ids: [UUID]
        let total: Int
        let nextCursor: String?
    }

    static func page(_ filter: ProjectFilter, caller: Caller?, cache: Cache, db: any Database) async throws -> Response {
        var scopes = [CacheScope.listings]
        if let caller { scopes.append(CacheScope.invitations(caller.companyId)) }
        let viewer = caller.map { "company=" + $0.companyId.uuidString } ?? "public"
        let indexBytes = try await cache.value("listings", key: viewer + "|" + filter.cacheKey, scopes: scopes) {
            let (rows, total) = try await ProjectQueries.list(filter, caller: caller, on: db)
            let next = ListingCursor.after(rows.last?.0, filter: filter, total: total)?.text
            return Array(try JSONEncoder().encode(Index(ids: rows.map { $0.0.id! }, total: total, nextCursor: next)))
        }
        let index = try JSONDecoder().decode(Index.self, from: Data(indexBytes))
        let cards = try await ProjectCards.cards(index.ids, cache: cache, db: db)
        var body: [UInt8] = Array(#"{"data":["#.utf8)
        body.reserveCapacity(cards.reduce(64) { $0 + $1.json.count + 1 })
        for (position, card) in cards.enumerated() {
            if position > 0 { body.append(UInt8(ascii: ",")) }
            body += card.json
        }
        body += Array(#"],"pagination":"#.utf8)
        body += Array(try JSONCoding.encoder.encode(Page<ProjectDTO>.Pagination(page: filter.paging.page, limit: filter.paging.limit,
                                                                               total: index.total, nextCursor: index.nextCursor)))
        body.append(UInt8(ascii: "}"))
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: body)))
    }
}

extension ProjectFilter {
    /// Everything that decides the result, in a fixed order (two spellings of the same filter share an entry).
    var cacheKey: String {
        let parts: [String] = [
            "s=" + statuses.map(\.rawValue).sorted().joined(separator: ","), "t=" + (trade ?? ""), "st=" + (state ?? ""),
            "c=" + (city?.lowercased() ?? ""), "q=" + (q?.lowercased() ?? ""), "min=" + (minBudgetCents.map(String.init) ?? ""),
            "max=" + (maxBudgetCents.map(String.init) ?? ""),
            "da=" + (dueAfter.map { String($0.timeIntervalSince1970) } ?? ""), "db=" + (dueBefore.map { String($0.timeIntervalSince1970) } ?? ""),
            "co=" + (companyId?.uuidString ?? ""), "o=" + sort.rawValue, "p=\(paging.page)", "l=\(paging.limit)",
            "cur=" + (cursor?.text ?? ""),
        ]
        return parts.joined(separator: "&")
    }
}

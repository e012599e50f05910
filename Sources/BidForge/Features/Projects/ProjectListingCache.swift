import BidForgeCore
import Fluent
import Vapor

/// Cached listings: which projects a filter and page hold (under the `listings` generation, which only project
/// writes move) and the projects themselves as cards (under each project's own generation, which bids move). A new
/// bid therefore refreshes one card, not every listing the project appears in, and the page is assembled from JSON
/// encoded once per card.
enum ProjectListingCache {
    /// Which projects a page holds: `total` (8 bytes, its top bit set when it is an estimate), the ids (16 bytes
    /// each, after a 4-byte count), then the next cursor's text. Binary because every cached listing request reads one.
    struct Index: Sendable, Equatable {
        let ids: [UUID]
        let total: Int
        let totalIsEstimate: Bool
        let nextCursor: String?

        static let estimateBit: UInt64 = 1 << 63

        var bytes: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(12 + ids.count * 16 + (nextCursor?.utf8.count ?? 0))
            let totalField = UInt64(total) | (totalIsEstimate ? Self.estimateBit : 0)
            withUnsafeBytes(of: totalField.bigEndian) { out += $0 }
            withUnsafeBytes(of: UInt32(ids.count).bigEndian) { out += $0 }
            for id in ids { withUnsafeBytes(of: id.uuid) { out += $0 } }
            if let nextCursor { out += Array(nextCursor.utf8) }
            return out
        }

        init(ids: [UUID], total: Int, totalIsEstimate: Bool, nextCursor: String?) {
            self.ids = ids
            self.total = total
            self.totalIsEstimate = totalIsEstimate
            self.nextCursor = nextCursor
        }

        init?(_ bytes: [UInt8]) {
            guard bytes.count >= 12 else { return nil }
            let totalField = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let count = Int(bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            guard bytes.count >= 12 + count * 16 else { return nil }
            ids = (0..<count).map { index in
                let b = Array(bytes[(12 + index * 16)..<(28 + index * 16)])
                return UUID(
                    uuid: (
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                        b[15]
                    ))
            }
            total = Int(totalField & ~Self.estimateBit)
            totalIsEstimate = totalField & Self.estimateBit != 0
            let rest = bytes[(12 + count * 16)...]
            nextCursor = rest.isEmpty ? nil : String(decoding: rest, as: UTF8.self)
        }
    }

    /// `db` is only called on a miss (making a request's database handle shows in the profile of a cached listing).
    static func page(_ filter: ProjectFilter, caller: Caller?, cache: Cache, db: @escaping @Sendable () -> any Database)
        async throws -> Response
    {
        var scopes = [CacheScope.listings]
        if let caller { scopes.append(CacheScope.invitations(caller.companyId)) }
        let viewer = caller.map { "company=" + $0.companyId.uuidString } ?? "public"
        // "listings2": the index gained the estimate bit; entries of the earlier layout are never read back.
        let indexBytes = try await cache.value("listings2", key: viewer + "|" + filter.cacheKey, scopes: scopes) {
            let listing = try await ProjectQueries.list(filter, caller: caller, on: db())
            let next = try ListingCursor.after(listing.rows.last?.0, filter: filter, hasMore: listing.hasMore)?.text
            return Index(
                ids: try listing.rows.map { try $0.0.requireID() }, total: listing.total,
                totalIsEstimate: listing.totalIsEstimate, nextCursor: next
            ).bytes
        }
        guard let index = Index(indexBytes) else { throw APIError.unavailable }
        let cards = try await ProjectCards.cards(index.ids, cache: cache, db: db)
        var body: [UInt8] = Array(#"{"data":["#.utf8)
        body.reserveCapacity(cards.reduce(64) { $0 + $1.json.count + 1 })
        for (position, card) in cards.enumerated() {
            if position > 0 { body.append(UInt8(ascii: ",")) }
            body += card.json
        }
        // Written by hand: the cursor is base64url, so it needs no escaping.
        body += Array(
            #"],"pagination":{"limit":\#(filter.paging.limit),"page":\#(filter.paging.page),"total":\#(index.total),"#
                .utf8)
        body += Array(#""totalIsEstimate":\#(index.totalIsEstimate)"#.utf8)
        if let next = index.nextCursor {
            body += Array(#","nextCursor":""#.utf8) + Array(next.utf8) + [UInt8(ascii: "\"")]
        }
        body += Array("}}".utf8)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: ByteBuffer(bytes: body)))
    }
}

extension ProjectFilter {
    /// Everything that decides the result, in a fixed order. Each value is the one bound into the SQL, unchanged: no
    /// folding here can disagree with the database's own (`lower()` is ASCII-only on SQLite, locale-aware on
    /// PostgreSQL), so two spellings share an entry only when the database would treat them as the same text. Values
    /// are length-prefixed, so no value can pass for another field (`city=a&q=b` inside a value stays one value).
    var cacheKey: String {
        let parts: [(String, String)] = [
            ("s", statuses.map(\.rawValue).sorted().joined(separator: ",")), ("t", trade ?? ""), ("st", state ?? ""),
            ("c", city ?? ""), ("q", q ?? ""), ("min", minBudgetCents.map(String.init) ?? ""),
            ("max", maxBudgetCents.map(String.init) ?? ""),
            ("da", dueAfter.map { String($0.timeIntervalSince1970) } ?? ""),
            ("db", dueBefore.map { String($0.timeIntervalSince1970) } ?? ""),
            ("co", companyId?.uuidString ?? ""), ("o", sort.rawValue), ("p", String(paging.page)),
            ("l", String(paging.limit)),
            ("cur", cursor?.text ?? "")
        ]
        return parts.map { "\($0.0)\($0.1.utf8.count):\($0.1)" }.joined(separator: "&")
    }
}

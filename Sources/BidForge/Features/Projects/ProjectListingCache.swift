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

        /// The index of a listing just read.
        init(_ listing: ListingPage, filter: ProjectFilter) {
            self.init(
                ids: listing.rows.map(\.id), total: listing.total, totalIsEstimate: listing.totalIsEstimate,
                nextCursor: ListingCursor.after(listing.rows.last, filter: filter, hasMore: listing.hasMore)?.text)
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
    /// The finished page is kept whole (`Cache.assembled`) under the listing's generations and its projects' own: a
    /// hit is one lookup; a bid on one of its projects rebuilds it from the index and the cards, re-reading one card.
    static func page(_ filter: ProjectFilter, caller: Caller?, cache: Cache, in context: UseCaseContext)
        async throws -> Response
    {
        let reads = context.reads(ProjectQueries.reads)
        let scopes = [CacheScope.listings] + (caller.map { [CacheScope.invitations($0.companyId)] } ?? [])
        let key = (caller.map { "company=" + $0.companyId.uuidString } ?? "public") + "|" + filter.cacheKey
        let body = try await cache.assembled(
            "listing-pages", key: key, scopes: scopes,
            plan: {
                let index = try await Self.index(
                    filter, caller: caller, key: key, scopes: scopes, cache: cache, reads: reads)
                return (index, index.ids.map(CacheScope.project))
            },
            assemble: { index in
                try await Self.assemble(
                    index, filter: filter,
                    projects: try await ProjectCards.cards(index.ids, cache: cache, reads: reads).map(\.json))
            })
        return response(body)
    }

    /// Which projects the page holds, from the cache (built by the listing query on a miss).
    static func index(
        _ filter: ProjectFilter, caller: Caller?, key: String, scopes: [String], cache: Cache,
        reads: DatabaseReads
    ) async throws -> Index {
        // "listings2": the index gained the estimate bit; entries of the earlier layout are never read back.
        let bytes = try await cache.value("listings2", key: key, scopes: scopes) {
            Index(
                try await reads.run { db in try await ProjectQueries.list(filter, caller: caller, on: db) },
                filter: filter
            )
            .bytes
        }
        guard let index = Index(bytes) else { throw APIError.unavailable }
        return index
    }

    /// The page straight from the database (the cache off, or `mine`): one listing read, the same JSON.
    static func uncached(_ filter: ProjectFilter, caller: Caller?, in context: UseCaseContext) async throws -> Response
    {
        let listing = try await ProjectQueries.list(filter, caller: caller, in: context)
        return response(
            assemble(Index(listing, filter: filter), filter: filter, projects: listing.rows.map { $0.json[...] }))
    }

    static func response(_ body: ByteBuffer) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(buffer: body))
    }

    /// The page's JSON from its projects' JSON (the cards', encoded once each, or the rows just read).
    static func assemble(_ index: Index, filter: ProjectFilter, projects: [ArraySlice<UInt8>]) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(projects.reduce(160) { $0 + $1.count + 1 })
        body.writeString(#"{"data":["#)
        for (position, json) in projects.enumerated() {
            if position > 0 { body.writeInteger(UInt8(ascii: ",")) }
            body.writeBytes(json)
        }
        // Written by hand: the cursor is base64url, so it needs no escaping.
        body.writeString(
            #"],"pagination":{"limit":\#(filter.paging.limit),"page":\#(filter.paging.page),"total":\#(index.total),"#)
        body.writeString(#""totalIsEstimate":\#(index.totalIsEstimate)"#)
        if let next = index.nextCursor { body.writeString(#","nextCursor":""# + next + "\"") }
        body.writeString("}}")
        return body
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

import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// `GET /projects` query parameters, validated.
struct ProjectFilter: Sendable {
    enum Sort: String, Sendable { case createdAtAsc = "createdAt", createdAtDesc = "-createdAt", bidDueAt = "bidDueAt" }

    var statuses: [ProjectStatus]
    var trade: String?
    var state: String?
    var city: String?
    var q: String?
    var minBudgetCents: Int64?
    var maxBudgetCents: Int64?
    var dueAfter: Date?
    var dueBefore: Date?
    var companyId: UUID?
    var mine: Bool
    var sort: Sort
    var paging: Paging
    /// Keyset pagination: continue after this row instead of skipping `offset` rows.
    var cursor: ListingCursor?

    struct Raw: Decodable {
        var status: String?
        var trade: String?
        var state: String?
        var city: String?
        var q: String?
        var minBudgetCents: Int64?
        var maxBudgetCents: Int64?
        var dueAfter: String?
        var dueBefore: String?
        var companyId: String?
        var mine: Bool?
        var sort: String?
        var cursor: String?
    }

    init(_ raw: Raw, paging: Paging) throws {
        var errors = ValidationErrors()
        mine = raw.mine ?? false
        if let status = raw.status {
            if let parsed = ProjectStatus(rawValue: status) {
                statuses = [parsed]
            } else {
                statuses = []
                errors.add("status", "must be one of \(ProjectStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        } else {
            statuses = mine ? [] : [.open]
        }
        if let trade = raw.trade, !Trades.codes.contains(trade) { errors.add("trade", "is not a known trade code") }
        trade = raw.trade
        if let state = raw.state, !USStates.codes.contains(state) { errors.add("state", "must be a US state code") }
        state = raw.state
        errors.text("city", raw.city, required: false, max: 100)
        // `city=` filters nothing, as an absent city does: one meaning, so one cache key and one SQL.
        city = raw.city.flatMap { $0.isEmpty ? nil : $0 }
        errors.text("q", raw.q, required: false, max: 200)
        q = raw.q.map { $0.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        minBudgetCents = raw.minBudgetCents
        maxBudgetCents = raw.maxBudgetCents
        func date(_ field: String, _ value: String?) -> Date? {
            guard let value else { return nil }
            guard let parsed = JSONCoding.parseDate(value) else {
                errors.add(field, "must be an ISO-8601 time such as 2026-11-26T19:00:00Z")
                return nil
            }
            return parsed
        }
        dueAfter = date("dueAfter", raw.dueAfter)
        dueBefore = date("dueBefore", raw.dueBefore)
        if let id = raw.companyId {
            companyId = UUID(uuidString: id)
            if companyId == nil { errors.add("companyId", "must be a UUID") }
        }
        if let s = raw.sort {
            if let parsed = Sort(rawValue: s) {
                sort = parsed
            } else {
                sort = .createdAtDesc
                errors.add("sort", "must be createdAt, -createdAt or bidDueAt")
            }
        } else {
            sort = .createdAtDesc
        }
        var paging = paging
        if let raw = raw.cursor {
            if let parsed = ListingCursor(raw), parsed.sort == sort {
                cursor = parsed
                paging = (try? Paging(page: parsed.page, limit: paging.limit)) ?? paging
            } else {
                errors.add("cursor", "is not a cursor this listing gave out (it must come with the same sort)")
            }
        }
        try errors.throwIfAny()
        self.paging = paging
    }
}

/// Where the next page of a listing starts: the last row's sort key and id, and the page number it begins.
/// Opaque to clients (base64url of `v1|sort|key|id|page`).
struct ListingCursor: Sendable, Equatable {
    let sort: ProjectFilter.Sort
    /// The last row's `created_at` or `bid_due_at` (seconds since 1970, as the bits of the Double, so it round-trips exactly).
    let key: UInt64
    let id: UUID
    let page: Int

    init(sort: ProjectFilter.Sort, key: UInt64, id: UUID, page: Int) {
        self.sort = sort
        self.key = key
        self.id = id
        self.page = page
    }

    init?(_ text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 200, let data = Data(base64Encoded: base64) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(separator: "|").map(String.init)
        guard parts.count == 5, parts[0] == "v1", let sort = ProjectFilter.Sort(rawValue: parts[1]),
            let key = UInt64(parts[2]), Self.validKeys.contains(Double(bitPattern: key)),
            let id = UUID(uuidString: parts[3]), let page = Int(parts[4]), page >= 2, page <= 10_000_000
        else { return nil }
        self.init(sort: sort, key: key, id: id, page: page)
    }

    var text: String {
        Data("v1|\(sort.rawValue)|\(key)|\(id.lowercasedString)|\(page)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    var date: Date { Date(timeIntervalSince1970: Double(bitPattern: key)) }

    /// Sort keys a listing can hand out: times from year 1 to 9999 (no NaN or infinity). A forged key outside them is
    /// refused with the cursor (400), never bound: the database driver traps on times it cannot encode.
    static let validKeys: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    /// The cursor after `last` when more rows follow the page that ends with it.
    static func after(_ last: ProjectDTO?, filter: ProjectFilter, hasMore: Bool) -> ListingCursor? {
        guard let last, hasMore else { return nil }
        let date = filter.sort == .bidDueAt ? last.bidDueAt : last.createdAt
        return ListingCursor(
            sort: filter.sort, key: date.timeIntervalSince1970.bitPattern, id: last.id, page: filter.paging.page + 1)
    }
}

/// One page of a listing: its projects with their live bid counts, whether another page follows, and the total
/// (exact up to `ProjectQueries.exactTotalUpTo` matches; beyond, on PostgreSQL, the planner's estimate).
struct ListingPage: Sendable {
    /// The projects as the API shows them, with their live bid counts.
    let rows: [ProjectDTO]
    let total: Int
    let totalIsEstimate: Bool
    let hasMore: Bool
}

enum ProjectQueries {
    /// Totals are counted exactly while at most this many projects match (a count that stops there); a larger total
    /// is the planner's estimate on PostgreSQL (`pagination.totalIsEstimate`), so no request walks every match. 1,000
    /// (50 pages of 20): counting 10,000 took longer than the page itself (Benchmarks/run, listing plans).
    static let exactTotalUpTo = 1_000

    /// The page of projects the caller may see (the statement stops after one row more than the page) with the capped
    /// count of every match in the same statement and, past `exactTotalUpTo` matches, the planner's estimate.
    /// Listings and search tolerate other companies' writes showing a moment late, never the caller's own: a replica
    /// that has replayed the caller's last write serves them.
    static let reads = ReadConsistency.callersWrites

    static func list(_ filter: ProjectFilter, caller: Caller?, in context: UseCaseContext) async throws -> ListingPage {
        try await context.read(reads) { db in try await list(filter, caller: caller, on: db) }
    }

    static func list(_ filter: ProjectFilter, caller: Caller?, on db: any Database) async throws -> ListingPage {
        let statements = try listStatements(filter, caller: caller, on: db.sql)
        let (fetched, totals) = try await pageRows(statements.page, on: db)
        let hasMore = fetched.count > filter.paging.limit
        let rows = Array(fetched.prefix(filter.paging.limit))
        // The last page tells its own total; otherwise the count that stops past `exactTotalUpTo`, read with the page
        // (for a page past the end, on its own).
        if !hasMore, filter.cursor == nil, !rows.isEmpty || filter.paging.page == 1 {
            return ListingPage(
                rows: rows, total: filter.paging.offset + rows.count, totalIsEstimate: false, hasMore: false)
        }
        var counted = totals?.capped
        if counted == nil {
            counted = try await db.sql.raw(statements.cappedCount).first()?.decode(column: "n", as: Int.self)
        }
        let capped = counted ?? 0
        guard capped > exactTotalUpTo else {
            return ListingPage(rows: rows, total: capped, totalIsEstimate: false, hasMore: hasMore)
        }
        guard db.isPostgres else {
            // SQLite serves single-machine installations: their tables are small enough to count.
            let total = try await db.sql.raw(statements.count).first()?.decode(column: "n", as: Int.self) ?? capped
            return ListingPage(rows: rows, total: total, totalIsEstimate: false, hasMore: hasMore)
        }
        var estimate = totals?.estimated
        if estimate == nil, let statement = statements.estimate {
            estimate = try await db.sql.raw(statement).first()?.decode(column: "n", as: Int.self)
        }
        return ListingPage(rows: rows, total: max(estimate ?? 0, capped), totalIsEstimate: true, hasMore: hasMore)
    }

    /// The page statement's projects, and the totals its first row carries (nil without rows): the capped count and,
    /// on PostgreSQL past `exactTotalUpTo`, the estimate. PostgreSQL rows are read by concrete column types
    /// (`PostgresRows`); SQLite's through the model.
    static func pageRows(_ statement: SQLQueryString, on db: any Database) async throws -> (
        [ProjectDTO], (capped: Int, estimated: Int?)?
    ) {
        if let postgres = try await PostgresRows.fetch(statement, on: db) {
            let totals = try postgres.rows.first.map {
                (
                    capped: try $0.value("capped_total", as: Int.self),
                    estimated: try $0.value("estimated_total", as: Int?.self)
                )
            }
            return (try postgres.rows.map(ProjectDTO.init(postgres:)), totals)
        }
        let rows = try await db.sql.raw(statement).all()
        return (
            try rows.map {
                try ProjectDTO($0.decodeRow(ProjectModel.self), bidCount: $0.decode(column: "bid_count", as: Int.self))
            },
            try rows.first.map { (capped: try $0.decode(column: "capped_total", as: Int.self), estimated: nil) }
        )
    }

    /// The SQL behind `list` on `sql`'s dialect, exposed so a test can EXPLAIN exactly what runs. The default listing
    /// (OPEN, newest first) walks `projects_status_created_at_idx` and stops after one page; bid counts use
    /// `bids(project_id, status)`.
    static func listStatements(_ filter: ProjectFilter, caller: Caller?, on sql: any SQLDatabase) throws -> (
        page: SQLQueryString, cappedCount: SQLQueryString, count: SQLQueryString, estimate: SQLQueryString?
    ) {
        let postgres = sql.isPostgres
        var conditions: [SQLQueryString] = []
        let published = ProjectAccess.publishedCondition(statuses: filter.statuses)
        if filter.mine {
            guard let caller else { throw APIError.unauthenticated }
            conditions.append("p.company_id = \(bind: caller.companyId)")
        } else if let caller {
            conditions.append(
                "(p.company_id = \(bind: caller.companyId) OR (" + published + " AND (p.visibility = 'PUBLIC' OR "
                    + ProjectAccess.invitedCondition(caller.companyId) + ")))")
        } else {
            conditions.append(published + " AND p.visibility = 'PUBLIC'")
        }
        if filter.statuses.count == 1 { conditions.append("p.status = \(bind: filter.statuses[0].rawValue)") }
        if let trade = filter.trade {
            conditions.append(
                "EXISTS (SELECT 1 FROM project_trades pt WHERE pt.trade = \(bind: trade) AND pt.project_id = p.id)")
        }
        if let state = filter.state { conditions.append("p.state = \(bind: state)") }
        if let city = filter.city { conditions.append("lower(p.city) = lower(\(bind: city))") }
        if let min = filter.minBudgetCents {
            conditions.append("COALESCE(p.budget_max_cents, p.budget_min_cents) >= \(bind: min)")
        }
        if let max = filter.maxBudgetCents {
            conditions.append("COALESCE(p.budget_min_cents, p.budget_max_cents) <= \(bind: max)")
        }
        if let after = filter.dueAfter { conditions.append("p.bid_due_at >= \(bind: after)") }
        if let before = filter.dueBefore { conditions.append("p.bid_due_at <= \(bind: before)") }
        if let companyId = filter.companyId { conditions.append("p.company_id = \(bind: companyId)") }
        if let q = filter.q { conditions.append(searchCondition(q, postgres: postgres)) }
        let whereClause = conditions.joined(separator: " AND ")
        let cursorCondition: (SQLQueryString, SQLQueryString) -> SQLQueryString? = { column, id in
            guard let cursor = filter.cursor else { return nil }
            let comparison: SQLQueryString =
                switch cursor.sort {
                case .createdAtDesc: "<"
                case .createdAtAsc, .bidDueAt: ">"
                }
            return "(" + column + " " + comparison + " \(bind: cursor.date) OR (" + column
                + " = \(bind: cursor.date) AND "
                + id + " " + comparison + " \(bind: cursor.id)))"
        }
        let direction: SQLQueryString = filter.sort == .createdAtDesc ? "DESC" : "ASC"
        let bidCount = BidPartitions.countColumn(postgres: postgres)
        let limit: SQLQueryString =
            " LIMIT \(literal: filter.paging.limit + 1)"
            + (filter.cursor == nil ? " OFFSET \(literal: filter.paging.offset)" : "")
        let tradeRows = openPublicTradeRows(filter, caller: caller)

        let matching: SQLQueryString =
            tradeRows.map { "SELECT 1 FROM project_trades pt WHERE " + $0 } ?? "SELECT 1 FROM projects p WHERE "
            + whereClause
        let cappedCount: SQLQueryString =
            "SELECT COUNT(*) AS n FROM (" + matching + " LIMIT \(literal: exactTotalUpTo + 1)) capped"
        // Uncorrelated, so evaluated once per statement (an InitPlan on PostgreSQL), and only when the page has a row:
        // the totals cost no round trip. The estimate is planned only past `exactTotalUpTo` (CASE stops there).
        let plannedRows = postgres ? try PlannedRows.call(matching, on: sql) : nil
        let estimate: SQLQueryString? = plannedRows.map { "SELECT " + $0 + " AS n" }
        let totals: SQLQueryString =
            ", (SELECT n FROM capped) AS capped_total"
            + (plannedRows.map {
                ", (SELECT CASE WHEN n > \(literal: exactTotalUpTo) THEN " + $0 + " END FROM capped) AS estimated_total"
            } ?? "")
        let selected: SQLQueryString =
            "WITH capped AS (" + cappedCount + ") SELECT p.*, " + bidCount + totals
        let page: SQLQueryString
        if let tradeRows, filter.sort != .bidDueAt {
            // The page's ids from the trade rows' index in order, then only those projects (the guard on the project
            // repeats the copy's rule, so a copy out of step could hide a project, never show one it should not).
            let rows = [tradeRows] + (cursorCondition("pt.project_created_at", "pt.project_id").map { [$0] } ?? [])
            page =
                selected + " FROM (SELECT pt.project_id, pt.project_created_at FROM project_trades pt "
                + "WHERE " + rows.joined(separator: " AND ") + " ORDER BY pt.project_created_at " + direction
                + ", pt.project_id " + direction + limit + ") t JOIN projects p ON p.id = t.project_id "
                + "WHERE p.status = 'OPEN' AND p.visibility = 'PUBLIC' "
                + "ORDER BY t.project_created_at " + direction + ", t.project_id " + direction
        } else {
            let sortColumn: SQLQueryString = filter.sort == .bidDueAt ? "p.bid_due_at" : "p.created_at"
            let pageConditions = conditions + (cursorCondition(sortColumn, "p.id").map { [$0] } ?? [])
            page =
                selected + " FROM projects p WHERE " + pageConditions.joined(separator: " AND ")
                + " ORDER BY " + sortColumn + " " + direction + ", p.id " + direction + limit
        }
        let count: SQLQueryString = "SELECT COUNT(*) AS n FROM projects p WHERE " + whereClause
        return (page, cappedCount, count, estimate)
    }

    /// The condition on `project_trades pt` that selects an anonymous OPEN listing by trade (and state) from the trade
    /// rows alone, whose rows carry their project's state while it is OPEN and PUBLIC and its creation time; nil for
    /// any other filter (read from projects).
    static func openPublicTradeRows(_ filter: ProjectFilter, caller: Caller?) -> SQLQueryString? {
        guard caller == nil, !filter.mine, filter.statuses == [.open], let trade = filter.trade, filter.city == nil,
            filter.q == nil, filter.minBudgetCents == nil, filter.maxBudgetCents == nil, filter.dueAfter == nil,
            filter.dueBefore == nil, filter.companyId == nil
        else { return nil }
        let state: SQLQueryString = filter.state.map { " AND pt.open_public_state = \(bind: $0)" } ?? ""
        return "pt.trade = \(bind: trade) AND pt.open_public_state IS NOT NULL" + state
    }

    /// Full-text search: the GIN-indexed tsvector on PostgreSQL; on SQLite every word must appear in title or description.
    static func searchCondition(_ q: String, postgres: Bool) -> SQLQueryString {
        if postgres {
            return "\(unsafeRaw: ProjectSearch.postgresDocument) @@ plainto_tsquery('english', \(bind: q))"
        }
        let words = q.split(whereSeparator: \.isWhitespace).prefix(10).map { word -> String in
            "%\(SQLLike.escaped(String(word)))%"
        }
        let parts: [SQLQueryString] = words.map { pattern in
            "(p.title LIKE \(bind: pattern) ESCAPE '\\' OR p.description LIKE \(bind: pattern) ESCAPE '\\')"
        }
        return "(" + parts.joined(separator: " AND ") + ")"
    }
}

extension Array where Element == SQLQueryString {
    func joined(separator: String) -> SQLQueryString {
        guard var result = first else { return "" }
        for part in dropFirst() { result = result + SQLQueryString(stringLiteral: separator) + part }
        return result
    }
}

extension ProjectFilter.Raw {
    init(_ query: QueryParameters, into errors: inout ValidationErrors) {
        self.init(
            status: query["status"], trade: query["trade"], state: query["state"], city: query["city"], q: query["q"],
            minBudgetCents: query.int64("minBudgetCents", into: &errors),
            maxBudgetCents: query.int64("maxBudgetCents", into: &errors),
            dueAfter: query["dueAfter"], dueBefore: query["dueBefore"], companyId: query["companyId"],
            mine: query.bool("mine", into: &errors), sort: query["sort"], cursor: query["cursor"])
    }
}

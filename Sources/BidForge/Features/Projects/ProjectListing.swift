import Vapor
import Fluent
import SQLKit
import BidForgeCore

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
    }

    init(_ raw: Raw, paging: Paging) throws {
        var errors = ValidationErrors()
        mine = raw.mine ?? false
        if let status = raw.status {
            if let parsed = ProjectStatus(rawValue: status) { statuses = [parsed] }
            else { statuses = []; errors.add("status", "must be one of \(ProjectStatus.allCases.map(\.rawValue).joined(separator: ", "))") }
        } else {
            statuses = mine ? [] : [.open]
        }
        if let trade = raw.trade, !Trades.codes.contains(trade) { errors.add("trade", "is not a known trade code") }
        trade = raw.trade
        if let state = raw.state, !USStates.codes.contains(state) { errors.add("state", "must be a US state code") }
        state = raw.state
        errors.text("city", raw.city, required: false, max: 100)
        city = raw.city
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
            if let parsed = Sort(rawValue: s) { sort = parsed } else {
                sort = .createdAtDesc
                errors.add("sort", "must be createdAt, -createdAt or bidDueAt")
            }
        } else {
            sort = .createdAtDesc
        }
        try errors.throwIfAny()
        self.paging = paging
    }
}

enum ProjectQueries {
    /// One statement: the page of projects the caller may see, each with its live bid count, and the total.
    static func list(_ filter: ProjectFilter, caller: Caller?, on db: any Database) async throws -> (rows: [(ProjectModel, Int)], total: Int) {
        let statements = try listStatements(filter, caller: caller, postgres: db.isPostgres)
        let rows = try await db.sql.raw(statements.page).all()
        var total = try rows.first.map { try $0.decode(column: "total_count", as: Int.self) } ?? 0
        if rows.isEmpty && filter.paging.page > 1 {
            // Past the last page the window count has no row to ride on; count separately.
            total = try await db.sql.raw(statements.count).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        let projects = try rows.map { row in
            (try row.decode(fluentModel: ProjectModel.self), try row.decode(column: "bid_count", as: Int.self))
        }
        return (projects, total)
    }

    /// The SQL behind `list`, exposed so a test can EXPLAIN exactly what runs. The default listing (OPEN, newest
    /// first) walks `projects_status_created_at_idx` and stops after one page; bid counts use `bids(project_id, status)`.
    static func listStatements(_ filter: ProjectFilter, caller: Caller?, postgres: Bool) throws -> (page: SQLQueryString, count: SQLQueryString) {
        var conditions: [SQLQueryString] = []
        if filter.mine {
            guard let caller else { throw APIError.unauthenticated }
            conditions.append("p.company_id = \(bind: caller.companyId)")
        } else if let caller {
            conditions.append("""
                (p.company_id = \(bind: caller.companyId) OR (p.status <> 'DRAFT' AND (p.visibility = 'PUBLIC' \
                OR EXISTS (SELECT 1 FROM invitations i WHERE i.project_id = p.id AND i.company_id = \(bind: caller.companyId)))))
                """)
        } else {
            conditions.append("p.status <> 'DRAFT' AND p.visibility = 'PUBLIC'")
        }
        if filter.statuses.count == 1 { conditions.append("p.status = \(bind: filter.statuses[0].rawValue)") }
        if let trade = filter.trade { conditions.append("p.trades LIKE \(bind: ListColumn.pattern(trade))") }
        if let state = filter.state { conditions.append("p.state = \(bind: state)") }
        if let city = filter.city { conditions.append("lower(p.city) = lower(\(bind: city))") }
        if let min = filter.minBudgetCents { conditions.append("COALESCE(p.budget_max_cents, p.budget_min_cents) >= \(bind: min)") }
        if let max = filter.maxBudgetCents { conditions.append("COALESCE(p.budget_min_cents, p.budget_max_cents) <= \(bind: max)") }
        if let after = filter.dueAfter { conditions.append("p.bid_due_at >= \(bind: after)") }
        if let before = filter.dueBefore { conditions.append("p.bid_due_at <= \(bind: before)") }
        if let companyId = filter.companyId { conditions.append("p.company_id = \(bind: companyId)") }
        if let q = filter.q { conditions.append(searchCondition(q, postgres: postgres)) }

        let order: SQLQueryString = switch filter.sort {
        case .createdAtDesc: "p.created_at DESC, p.id DESC"
        case .createdAtAsc: "p.created_at ASC, p.id ASC"
        case .bidDueAt: "p.bid_due_at ASC, p.id ASC"
        }
        let whereClause = conditions.joined(separator: " AND ")
        let page: SQLQueryString = """
            SELECT p.*, (SELECT COUNT(*) FROM bids b WHERE b.project_id = p.id AND b.status <> 'WITHDRAWN') AS bid_count, \
            COUNT(*) OVER () AS total_count FROM projects p WHERE 
            """ + whereClause + " ORDER BY " + order
            + " LIMIT \(literal: filter.paging.limit) OFFSET \(literal: filter.paging.offset)"
        let count: SQLQueryString = "SELECT COUNT(*) AS n FROM projects p WHERE " + whereClause
        return (page, count)
    }

    /// Full-text search: the GIN-indexed tsvector on PostgreSQL; on SQLite every word must appear in title or description.
    static func searchCondition(_ q: String, postgres: Bool) -> SQLQueryString {
        if postgres {
            return "\(unsafeRaw: ProjectSearch.postgresDocument) @@ plainto_tsquery('english', \(bind: q))"
        }
        let words = q.split(whereSeparator: \.isWhitespace).prefix(10).map { word -> String in
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            return "%\(escaped)%"
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

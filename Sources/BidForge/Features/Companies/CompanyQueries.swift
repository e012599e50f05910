import Fluent
import Foundation
import SQLKit

/// Company lookups other features share (invitations by trade and state, the owner's search by name).
enum CompanyQueries {
    /// Companies that work in any of `trades` and (when given) serve any of `states`, and have someone who can bid.
    static func matching(trades: [String], states: [String], excluding: UUID, limit: Int, on db: any Database)
        async throws -> [CompanyModel]
    {
        let tradeClause = trades.map { "c.trades LIKE \(bind: ListColumn.pattern($0))" as SQLQueryString }
            .joined(separator: " OR ")
        var query: SQLQueryString =
            "SELECT c.* FROM companies c WHERE c.id <> \(bind: excluding) AND (" + tradeClause + ")"
        if !states.isEmpty {
            let stateClause = states.map { "c.service_states LIKE \(bind: ListColumn.pattern($0))" as SQLQueryString }
                .joined(separator: " OR ")
            query = query + " AND (" + stateClause + ")"
        }
        query =
            query
            + " AND EXISTS (SELECT 1 FROM users u WHERE u.company_id = c.id AND u.role IN ('CONTRACTOR','SUBCONTRACTOR'))"
        query = query + " ORDER BY c.name, c.id LIMIT \(literal: limit)"
        return try await db.sql.raw(query).all().map { try $0.decodeRow(CompanyModel.self) }
    }

    /// Companies whose name contains `text` (case-insensitive; `%` and `_` match themselves), by name.
    static func named(containing text: String, excluding: UUID, limit: Int, on db: any Database) async throws
        -> [CompanyModel]
    {
        let pattern = "%" + SQLLike.escaped(String(text.prefix(100)).lowercased()) + "%"
        let query: SQLQueryString = """
            SELECT * FROM companies WHERE LOWER(name) LIKE \(bind: pattern) ESCAPE '\\' AND id <> \(bind: excluding) \
            ORDER BY name, id LIMIT \(literal: limit)
            """
        return try await db.sql.raw(query).all().map { try $0.decodeRow(CompanyModel.self) }
    }
}

import Fluent
import SQLKit
import Vapor

/// Deletes rows that only serve a short window, in small batches through the indexes of M016, so no table grows
/// forever and no delete holds locks for long. Every instance runs it; two deleting the same batch is harmless.
enum RetentionJob {
    static let batch = 1_000
    /// At most this many batches per table per run: a backlog is worked off over several runs.
    static let maxBatchesPerTable = 50

    struct Rule: Sendable {
        let table: String
        let column: String
        let keep: TimeInterval
    }

    static func rules(_ retention: Settings.Retention) -> [Rule] {
        let day: TimeInterval = 86_400
        let expiredGrace = TimeInterval(retention.expiredDays) * day
        return [
            Rule(
                table: "idempotency_keys", column: "created_at", keep: TimeInterval(retention.idempotencyHours) * 3_600),
            Rule(table: "outbox_events", column: "dispatched_at", keep: TimeInterval(retention.outboxDays) * day),
            Rule(table: "document_downloads", column: "created_at", keep: TimeInterval(retention.downloadsDays) * day),
            Rule(table: "realtime_tickets", column: "expires_at", keep: expiredGrace),
            Rule(table: "refresh_tokens", column: "expires_at", keep: expiredGrace),
            Rule(table: "web_sessions", column: "expires_at", keep: expiredGrace)
        ]
    }

    /// Deletes what is past its time at `now`; the rows deleted per table.
    @discardableResult
    static func run(_ app: Application, now: Date) async throws -> [String: Int] {
        var deleted: [String: Int] = [:]
        for rule in rules(app.settings.retention) {
            let cutoff = now.addingTimeInterval(-rule.keep)
            var total = 0
            for _ in 0..<maxBatchesPerTable {
                let rows = try await app.write { db in
                    // `IN (… LIMIT n)` bounds each statement on both databases (neither DELETE … LIMIT is portable).
                    try await db.sql.raw(
                        """
                        DELETE FROM \(ident: rule.table) WHERE id IN (SELECT id FROM \(ident: rule.table) \
                        WHERE \(ident: rule.column) < \(bind: cutoff) LIMIT \(literal: batch)) RETURNING id
                        """
                    ).all().count
                }
                total += rows
                if rows < batch { break }
            }
            deleted[rule.table] = total
            if total > 0 { app.metrics.recordRetention(table: rule.table, deleted: total) }
        }
        return deleted
    }
}

import Fluent
import Foundation
import SQLKit
import Testing

@testable import BidForge

/// `PlannedRows.call`: the planner's estimate for a statement, carried inside another, with the statement's values
/// quoted by PostgreSQL (never spliced in as SQL).
@Suite struct PlannedRowsTests {
    @Test(.enabled(if: TestDatabase.isPostgres, "bidforge_planned_rows is a PostgreSQL function"))
    func estimatesAStatementWithItsBindsQuotedByPostgres() async throws {
        try await TestApp.run { t in
            let sql = t.app.db.sql
            let series: SQLQueryString = "SELECT g FROM generate_series(1, \(bind: 4321)::int) g"
            let planned = try await sql.raw("SELECT " + (try PlannedRows.call(series, on: sql)) + " AS n").first()?
                .decode(column: "n", as: Int.self)
            // generate_series with constant bounds is planned at exactly that many rows: the binds arrived as values.
            #expect(planned == 4_321, "\(String(describing: planned))")

            // A hostile value stays a value: quotes, %, $1 and a statement terminator inside it change nothing.
            let hostile = "x'); DROP TABLE projects; -- 100% $1 %1$L"
            let city: SQLQueryString =
                "SELECT 1 FROM projects p WHERE lower(p.city) = lower(\(bind: hostile)) AND p.state = \(bind: "TX")"
            let call = try PlannedRows.call(city, on: sql)
            let estimate = try await sql.raw("SELECT " + call + " AS n").first()?.decode(column: "n", as: Int.self)
            #expect(estimate != nil && estimate! >= 0)
            let projects = try await sql.raw("SELECT COUNT(*) AS n FROM projects").first()?
                .decode(column: "n", as: Int.self)
            #expect(projects == 0, "the projects table is still there")

            // It runs the text it is given, so no role but its owner may call it.
            let everyone = try await sql.raw(
                "SELECT has_function_privilege('public', 'bidforge_planned_rows(text)', 'EXECUTE') AS allowed"
            ).first()?.decode(column: "allowed", as: Bool.self)
            #expect(everyone == false)
        }
    }

    @Test(.enabled(if: TestDatabase.isPostgres, "PostgreSQL's placeholders are $n"))
    func aDollarThatIsNoPlaceholderIsRefused() async throws {
        try await TestApp.run { t in
            #expect(throws: PlannedRows.Problem.self) {
                try PlannedRows.call("SELECT $$text$$", on: t.app.db.sql)
            }
        }
    }
}

import SQLKit

/// The planner's row estimate for a statement, as an expression another PostgreSQL statement can carry
/// (`bidforge_planned_rows`, M024): `bidforge_planned_rows(format('… %1$L …', $a, …))`. The statement's values stay
/// binds of the outer statement and are quoted as literals by PostgreSQL's `format`, never spliced in here.
enum PlannedRows {
    enum Problem: Error, CustomStringConvertible {
        case dollarInText(String)
        var description: String {
            switch self {
            case .dollarInText(let sql): "PlannedRows: a '$' that is not a placeholder in \(sql)"
            }
        }
    }

    /// The call that estimates `statement`'s rows, for a PostgreSQL `sql` (whose placeholders are `$1`, `$2`, …).
    static func call(_ statement: SQLQueryString, on sql: any SQLDatabase) throws -> SQLQueryString {
        var serializer = SQLSerializer(database: sql)
        statement.serialize(to: &serializer)
        var text = ""
        var rest = Substring(serializer.sql)
        while let dollar = rest.firstIndex(of: "$") {
            text += rest[..<dollar].replacingOccurrences(of: "%", with: "%%")
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard !digits.isEmpty else { throw Problem.dollarInText(serializer.sql) }
            text += "%\(digits)$L"
            rest = rest[digits.endIndex...]
        }
        text += rest.replacingOccurrences(of: "%", with: "%%")
        let arguments: [SQLQueryString] = serializer.binds.map { ", \(bind: $0)" }
        return "bidforge_planned_rows(format(\(literal: text)" + arguments.joined(separator: "") + "))"
    }
}

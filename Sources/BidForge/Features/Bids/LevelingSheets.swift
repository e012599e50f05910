import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// The bids of a project side by side (`Leveling`), as JSON or CSV; the API and the owner's page read the same sheet.
enum LevelingSheets {
    static func csv(_ sheet: Leveling.Sheet, of project: ProjectModel) throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.add(
            name: .contentDisposition,
            value: "attachment; filename=\"leveling-\(try project.requireID().lowercasedString).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: Leveling.csv(sheet)))
    }

    /// One statement, each bid read by its own columns (`ReadableRow`): Fluent's joined query reflected over both
    /// models for every bid, the bulk of a leveling request's server time.
    static func sheet(for project: ProjectModel, on db: any Database) async throws -> Leveling.Sheet {
        let rows = try await db.sql.raw(
            """
            SELECT b.*, c.name AS bidder_company_name FROM bids b JOIN companies c ON c.id = b.company_id \
            WHERE b.project_id = \(bind: try project.requireID()) AND b.created_at >= \(bind: project.createdAt) \
            AND b.status <> 'WITHDRAWN' ORDER BY b.created_at, b.id
            """
        ).all()
        let inputs = try rows.map { row in
            let bid = try row.decodeRow(BidModel.self)
            return try Leveling.Input(
                bidId: (try bid.requireID()).lowercasedString, companyId: bid.companyId.lowercasedString,
                companyName: try row.decode(column: "bidder_company_name", as: String.self),
                amountCents: bid.amountCents, lineItems: bid.lineItems, exclusions: bid.exclusions,
                acknowledgedAddendum: bid.acknowledgedAddendum)
        }
        return Leveling.level(inputs, projectTrades: project.trades, addendumCount: project.addendumCount)
    }
}

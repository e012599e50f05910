import BidForgeCore
import Fluent
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

    static func sheet(for project: ProjectModel, on db: any Database) async throws -> Leveling.Sheet {
        let rows = try await BidModel.query(on: db).filter(\.$projectId == project.requireID()).filter(
            \.$status != .withdrawn
        )
        .join(CompanyModel.self, on: \BidModel.$companyId == \CompanyModel.$id)
        .sort(\.$createdAt).sort(\.$id).all()
        let inputs = try rows.map { bid in
            try Leveling.Input(
                bidId: (try bid.requireID()).lowercasedString, companyId: bid.companyId.lowercasedString,
                companyName: try bid.joined(CompanyModel.self).name, amountCents: bid.amountCents,
                lineItems: bid.lineItems, exclusions: bid.exclusions, acknowledgedAddendum: bid.acknowledgedAddendum)
        }
        return Leveling.level(inputs, projectTrades: project.trades, addendumCount: project.addendumCount)
    }
}

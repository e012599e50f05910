import BidForgeCore
import Vapor

struct ServiceArea: Codable, Sendable {
    var states: [String]
}

struct CompanyInput: Decodable, Sendable {
    var name: String
    var trades: [String]?
    var serviceArea: ServiceArea?

    func validate(into errors: inout ValidationErrors, prefix: String) {
        errors.text("\(prefix)name", name, required: true, max: 200)
        Trades.validate("\(prefix)trades", trades ?? [], into: &errors)
        USStates.validate("\(prefix)serviceArea.states", serviceArea?.states ?? [], into: &errors)
    }
}

struct CompanyPatch: Decodable, Sendable {
    var name: String?
    var trades: [String]?
    var serviceArea: ServiceArea?
}

/// A company's public profile; `plan` only for the caller's own company.
struct CompanyDTO: Encodable, Sendable {
    let id: UUID
    let name: String
    let trades: [String]
    let serviceArea: ServiceArea
    let plan: Plan?
    let createdAt: Date

    init(_ company: CompanyModel, includePlan: Bool) throws {
        id = (try company.requireID())
        name = company.name
        trades = company.trades
        serviceArea = ServiceArea(states: company.serviceStates)
        plan = includePlan ? company.plan : nil
        createdAt = company.createdAt
    }
}

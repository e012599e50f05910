import BidForgeCore
import Fluent
import Foundation

final class CompanyModel: Model, @unchecked Sendable {
    static let schema = "companies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// Trade codes, comma separated ("03,09"): portable across SQLite and PostgreSQL and matched with LIKE ',03,'.
    @Field(key: "trades") var tradesText: String
    @Field(key: "service_states") var serviceStatesText: String
    @Enum(key: "plan") var plan: Plan
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    init(id: UUID = UUID(), name: String, trades: [String], states: [String], plan: Plan = .free, now: Date) {
        self.id = id
        self.name = name
        self.tradesText = ListColumn.join(trades)
        self.serviceStatesText = ListColumn.join(states)
        self.plan = plan
        self.createdAt = now
        self.updatedAt = now
    }

    var trades: [String] {
        get { ListColumn.split(tradesText) }
        set { tradesText = ListColumn.join(newValue) }
    }

    var serviceStates: [String] {
        get { ListColumn.split(serviceStatesText) }
        set { serviceStatesText = ListColumn.join(newValue) }
    }
}

extension CompanyModel: ReadableRow {
    var storedProperties: [any AnyDatabaseProperty] {
        [$id, $name, $tradesText, $serviceStatesText, $plan, $createdAt, $updatedAt]
    }
}

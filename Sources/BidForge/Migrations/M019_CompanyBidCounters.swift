import Fluent
import SQLKit

/// Bids each company submitted in each UTC calendar month, kept as a counter the bid transaction increments, so the
/// FREE plan's monthly allowance is one upsert instead of a count over the month's bids. Built from the existing bids.
struct M019_AddCompanyBidCounters: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("company_bid_months")
            .field("company_id", .uuid, .required, .references("companies", "id", onDelete: .cascade))
            .field("month", .string, .required)
            .field("bids", .int, .required)
            .compositeIdentifier(over: "company_id", "month")
            .create()
        try await BidCounters.rebuild(on: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema("company_bid_months").delete()
    }
}

import Fluent
import Foundation
import Testing

@testable import BidForge

/// Models inserted by hand-listed columns (`InsertableRow`) list exactly their Fluent fields, so a field added to a
/// model and forgotten in its list fails here, not in production.
@Suite struct InsertableRowTests {
    static func columns<M: InsertableRow>(_ model: M) throws -> [String] { try model.row.map(\.column) }

    static func fluentColumns<M: Model>(_ type: M.Type) -> Set<String> {
        Set(M.keys.map(\.description))
    }

    @Test func everyListMatchesItsModel() throws {
        let bid = BidModel()
        bid.id = UUID()
        bid.projectId = UUID()
        bid.companyId = UUID()
        bid.submittedBy = UUID()
        bid.status = .submitted
        bid.amountCents = 1
        bid.currency = "USD"
        bid.notes = ""
        bid.lineItemsJSON = "[]"
        bid.exclusionsJSON = "[]"
        bid.acknowledgedAddendum = 0
        bid.revision = 1
        bid.createdAt = Date()
        bid.updatedAt = Date()
        #expect(Set(try Self.columns(bid)) == Self.fluentColumns(BidModel.self))
        #expect(try Self.columns(bid).count == Self.fluentColumns(BidModel.self).count, "no column twice")

        let revision = try BidRevisionModel(snapshotOf: bid, by: UUID(), now: Date())
        #expect(Set(try Self.columns(revision)) == Self.fluentColumns(BidRevisionModel.self))

        let notification = NotificationModel()
        notification.id = UUID()
        notification.companyId = UUID()
        notification.type = "BID_SUBMITTED"
        notification.title = ""
        notification.body = ""
        notification.dataJSON = "{}"
        notification.createdAt = Date()
        #expect(Set(try Self.columns(notification)) == Self.fluentColumns(NotificationModel.self))

        let event = OutboxEventModel()
        event.type = "t"
        event.payload = "{}"
        event.createdAt = Date()
        event.attempts = 0
        // The database numbers events.
        #expect(Set(try Self.columns(event)) == Self.fluentColumns(OutboxEventModel.self).subtracting(["id"]))
    }
}

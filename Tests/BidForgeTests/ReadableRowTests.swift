import Fluent
import Foundation
import SQLKit
import Testing

@testable import BidForge

/// Models read by hand-listed properties (`ReadableRow`) list exactly their Fluent fields and read every row as
/// Fluent's own decoding does, so a field added to a model and forgotten in its list fails here, not in production.
@Suite struct ReadableRowTests {
    static func keys<M: ReadableRow>(_ type: M.Type) -> [String] {
        M().storedProperties.flatMap(\.keys).map(\.description)
    }

    @Test func everyListMatchesItsModel() {
        func check<M: ReadableRow>(_ type: M.Type) {
            let listed = Self.keys(M.self)
            #expect(Set(listed) == Set(M.keys.map(\.description)), "\(M.self)")
            #expect(listed.count == Set(listed).count, "\(M.self): no property twice")
        }
        check(ProjectModel.self)
        check(CompanyModel.self)
        check(BidModel.self)
        check(OutboxEventModel.self)
    }

    /// Every row of each table, read both ways: the same value in every property, and the model marked as stored.
    @Test func rowsReadAsFluentReadsThem() async throws {
        try await TestApp.run(environment: ["CACHE_ENABLED": "false"]) { t in
            _ = try await SeedTests.seed(t, seed: 3, companies: 6, projects: 30, bids: 3)
            let owner = try await t.register(.owner)
            _ = try await t.createProject(owner, t.projectJSON())  // a draft: optional columns left empty
            _ = try await t.openProject(owner, t.projectJSON())  // published: an outbox event
            func compare<M: ReadableRow>(_ type: M.Type) async throws {
                let rows = try await t.app.db.sql.raw("SELECT * FROM \(ident: M.schema)").all()
                #expect(!rows.isEmpty, "\(M.self): no rows to compare")
                for row in rows {
                    let fast = try row.decodeRow(M.self)
                    let fluent = try row.decode(fluentModel: M.self)
                    let described = { (model: M) in
                        model.storedProperties.map { property in
                            "\(property.keys.map(\.description)): \(String(describing: property.anyValue))"
                        }
                    }
                    #expect(described(fast) == described(fluent), "\(M.self)")
                    #expect(fast.id != nil && fast._$idExists, "\(M.self) is marked as stored")
                }
            }
            try await compare(ProjectModel.self)
            try await compare(CompanyModel.self)
            try await compare(BidModel.self)
            try await compare(OutboxEventModel.self)

            // Read this way, a model updates its row (it is marked as stored, not inserted again).
            let row = try #require(try await t.app.db.sql.raw("SELECT * FROM projects LIMIT 1").first())
            let project = try row.decodeRow(ProjectModel.self)
            project.title = "Renamed by the update"
            try await project.update(on: t.app.db)
            let read = try await ProjectModel.find(project.id, on: t.app.db)
            #expect(read?.title == "Renamed by the update")
        }
    }
}

import BidForgeCore
import Fluent
import SQLKit
import Vapor

/// A project as readers get it — the API's JSON with its live bid count, encoded once — kept in the cache under the
/// project's generation, with what the visibility rule needs in front of it. Project pages, listings and the detail
/// endpoint all read these; any write to the project or its bids moves the generation.
enum ProjectCards {
    struct Card: Sendable {
        let header: ArraySlice<UInt8>
        let json: ArraySlice<UInt8>

        /// Readable by anyone without asking the database (invited companies need the invitation: not decided here).
        /// The header is read only here: a listing (whose index already applied the rule) never parses it.
        func isOpenlyVisible(to caller: Caller?) -> Bool {
            let fields = String(decoding: header, as: UTF8.self).split(separator: " ")
            guard fields.count == 3, let company = UUID(uuidString: String(fields[0])) else { return false }
            return caller?.companyId == company
                || (fields[1] == "PUBLISHED" && fields[2] == Substring(ProjectVisibility.public.rawValue))
        }

        /// The posting company, from the header.
        var ownerCompanyId: UUID? {
            header.firstIndex(of: UInt8(ascii: " ")).flatMap {
                UUID(uuidString: String(decoding: header[..<$0], as: UTF8.self))
            }
        }
    }

    struct NotFound: Error {}

    /// `<companyId> PUBLISHED|UNPUBLISHED <visibility>\n<json>` (`ProjectAccess.isPublished`)
    static func encode(_ project: ProjectDTO) -> [UInt8] {
        let published = ProjectAccess.isPublished(publishedAt: project.publishedAt) ? "PUBLISHED" : "UNPUBLISHED"
        let header = "\(project.companyId.uuidString) \(published) \(project.visibility.rawValue)\n"
        return Array(header.utf8) + project.json
    }

    static func decode(_ bytes: [UInt8]) -> Card? {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return Card(header: bytes[..<newline], json: bytes[(newline + 1)...])
    }

    /// One project's card, or nil when there is no such project.
    static func card(_ id: UUID, cache: Cache, reads: DatabaseReads) async throws -> Card? {
        do {
            let bytes = try await cache.value("projects", key: id.uuidString, scopes: [CacheScope.project(id)]) {
                guard let (project, count) = try await reads.run({ db in try await load([id], on: db) })[id] else {
                    throw NotFound()
                }
                return encode(try ProjectDTO(project, bidCount: count))
            }
            return decode(bytes)
        } catch is NotFound {
            return nil
        }
    }

    /// Cards for `ids` in that order (projects that vanished meanwhile are left out); the ones not cached are read in
    /// one statement.
    static func cards(_ ids: [UUID], cache: Cache, reads: DatabaseReads) async throws -> [Card] {
        let found = try await cache.values(
            "projects", keys: ids.map(\.uuidString), scopes: ids.map { [CacheScope.project($0)] }
        ) { missing in
            let wanted = missing.map { ids[$0] }
            let rows = try await reads.run { db in try await load(wanted, on: db) }
            return try wanted.map { id in try rows[id].map { encode(try ProjectDTO($0.0, bidCount: $0.1)) } }
        }
        return found.compactMap { $0.flatMap(decode) }
    }

    /// Projects by id with their live bid counts: one statement.
    static func load(_ ids: [UUID], on db: any Database) async throws -> [UUID: (ProjectModel, Int)] {
        guard !ids.isEmpty else { return [:] }
        let list = SQLList(ids.map { SQLBind($0) })
        let rows = try await db.sql.raw(
            """
            SELECT p.*, \(BidPartitions.countColumn(postgres: db.isPostgres)) \
            FROM projects p WHERE p.id IN (\(list))
            """
        ).all()
        var result: [UUID: (ProjectModel, Int)] = [:]
        for row in rows {
            let project = try row.decodeRow(ProjectModel.self)
            result[(try project.requireID())] = (project, try row.decode(column: "bid_count", as: Int.self))
        }
        return result
    }
}

import Fluent
import Vapor

/// Objects in storage that no committed document row owns: an upload whose transaction never committed (the process
/// died between storing the file and writing its row), and the files of a deleted or replaced draft document. Each is
/// named by a `pending_uploads` row; the sweep deletes the object, then the row, so a failed delete is retried.
enum StoredObjectCleanup {
    /// An upload still streaming after this long has been given up: a 1 GB plan set over a slow link fits well within.
    static let uploadAbandonedAfter: TimeInterval = 24 * 3_600

    /// Names `keys` for deletion in the caller's transaction: they are swept at once after commit, or by the next sweep.
    static func mark(_ keys: [String], on db: any Database, now: Date) async throws -> [UUID] {
        var ids: [UUID] = []
        for key in keys {
            let row = PendingUploadModel(
                documentId: UUID(), storageKey: key, now: now.addingTimeInterval(-uploadAbandonedAfter))
            try await row.create(on: db)
            ids.append(try row.requireID())
        }
        return ids
    }

    /// Deletes the objects of rows older than `uploadAbandonedAfter` at `now` (or exactly `only`), then their rows;
    /// returns how many objects went.
    @discardableResult
    static func sweep(_ app: Application, now: Date, only ids: [UUID]? = nil) async throws -> Int {
        var query = PendingUploadModel.query(on: app.db).filter(
            \.$createdAt <= now.addingTimeInterval(-uploadAbandonedAfter))
        if let ids { query = query.filter(\.$id ~~ ids) }
        let rows = try await query.limit(500).all()
        var deleted = 0
        for row in rows {
            do {
                try await app.objectStorage.delete(row.storageKey)
                try await app.write { db in
                    try await PendingUploadModel.query(on: db).filter(\.$id == row.requireID()).delete()
                }
                deleted += 1
            } catch {
                app.logger.warning(
                    "could not delete an unowned stored object; the next sweep retries",
                    metadata: ["key": .string(row.storageKey), "error": .string(String(describing: error))])
            }
        }
        return deleted
    }
}

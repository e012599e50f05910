import Foundation

/// What a user does with their notifications: each changes only that user's read state.
enum NotificationActions {
    /// Marks one notification of the caller's company read for the caller (another company's is not found).
    static func markRead(_ id: UUID, by caller: Caller, in context: UseCaseContext) async throws {
        let now = context.now
        try await context.write { db in try await NotificationInbox.markRead(id, by: caller, now: now, on: db) }
    }

    /// Marks everything the caller's company has been told so far read for the caller.
    static func markAllRead(by caller: Caller, in context: UseCaseContext) async throws {
        let now = context.now
        try await context.write { db in try await NotificationInbox.markAllRead(by: caller, now: now, on: db) }
    }
}

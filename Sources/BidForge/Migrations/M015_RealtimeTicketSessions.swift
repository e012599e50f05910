import Fluent

/// Which sign-in a realtime ticket came from, so that ending that sign-in can close the socket the ticket opened.
struct M015_AddRealtimeTicketSessions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("realtime_tickets").field("session_key", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("realtime_tickets").deleteField("session_key").update()
    }
}

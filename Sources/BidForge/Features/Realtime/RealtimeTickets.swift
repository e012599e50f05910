import Fluent
import Foundation

/// Single-use tickets that let a browser open its realtime socket (it cannot set an Authorization header there).
enum RealtimeTickets {
    static let lifetime: TimeInterval = 60

    /// A ticket for the caller's socket, valid for `lifetime`; the socket it opens lasts as long as the caller's
    /// sign-in (the access token's expiry, or the token lifetime when that is not known).
    static func mint(for caller: Caller, in context: UseCaseContext) async throws -> Outcome<RealtimeTicketDTO> {
        let now = context.now
        let token = SecureToken.generate()
        let ticket = RealtimeTicketModel()
        ticket.id = UUID()
        ticket.tokenHash = SecureToken.hash(token)
        ticket.userId = caller.userId
        ticket.companyId = caller.companyId
        ticket.role = caller.role
        ticket.sessionExpiresAt =
            caller.sessionExpiresAt ?? now.addingTimeInterval(Double(context.host.settings.accessTokenTTLSeconds))
        ticket.expiresAt = now.addingTimeInterval(lifetime)
        ticket.sessionKey = caller.sessionKey?.text
        try await context.write { db in try await ticket.create(on: db) }
        return Outcome(value: RealtimeTicketDTO(ticket: token, expiresAt: ticket.expiresAt), events: [])
    }
}

import BidForgeCore
import Fluent
import Vapor

struct RealtimeTicketDTO: Encodable, Sendable {
    let ticket: String
    let expiresAt: Date
}

/// `POST /realtime/tickets` and the socket at `GET /realtime` (Authorization header, or `?ticket=` for browsers;
/// `?since=<eventId>` replays what the user missed).
struct RealtimeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let realtime = routes.grouped("realtime")
        realtime.authed(.POST, "tickets", use: issueTicket)
        realtime.on(.GET, use: connect)
    }

    func issueTicket(_ req: Request, _ caller: Caller) async throws -> Response {
        try Response.json(.created, try await RealtimeTickets.mint(for: caller, in: req.useCases).value)
    }

    /// A refused upgrade also closes the connection: once a request asked to upgrade, the HTTP parser treats what
    /// follows on that connection as the new protocol, so a proxy reusing it for the next request would hang.
    func connect(_ req: Request) async throws -> Response {
        do {
            return try await upgrade(req)
        } catch {
            var refusal = APIMiddleware.apiError(for: error)
            refusal.headers.replaceOrAdd(name: .connection, value: "close")
            throw refusal
        }
    }

    private func upgrade(_ req: Request) async throws -> Response {
        let session = try await Self.authenticate(req)
        if let key = session.sessionKey, try await !key.isLive(on: req.db, now: req.now) {
            throw APIError.unauthenticated
        }
        var since: Int64?
        if let raw = req.queryParameters["since"] {
            guard let value = Int64(raw), value >= 0 else {
                throw APIError.validation("since", "must be an event id (a whole number)")
            }
            since = value
        }
        guard req.headers.first(name: .upgrade)?.lowercased() == "websocket" else {
            throw APIError(.badRequest, "VALIDATION_FAILED", "Open this URL as a WebSocket.")
        }
        var replay: [Delivery] = []
        if let since {
            replay = try await RealtimeReplay.deliveries(since: since, for: session, now: req.now, on: req.db)
        }
        let app = req.application
        return req.webSocket(maxFrameSize: .init(integerLiteral: 1 << 16)) { _, socket in
            app.realtimeHub.attach(
                socket, session: session, replay: replay,
                pingInterval: .seconds(Int64(app.settings.realtimePingSeconds)))
            // A sign-out that lands between the check above and this attach was announced before the socket could
            // hear it: look once more now that it can.
            guard let key = session.sessionKey else { return }
            Task {
                let live = (try? await key.isLive(on: app.db, now: app.clock.now())) ?? true
                if !live { app.realtimeHub.closeSessions([key]) }
            }
        }
    }

    /// The header's access token, or a ticket redeemed exactly once before it expires.
    static func authenticate(_ req: Request) async throws -> RealtimeHub.Session {
        if let ticket = req.queryParameters["ticket"] {
            let hash = SecureToken.hash(ticket)
            let now = req.now
            let redeemed = try await req.write { db -> RealtimeTicketModel? in
                guard let row = try await RealtimeTicketModel.query(on: db).filter(\.$tokenHash == hash).first() else {
                    return nil
                }
                if db.isPostgres { try await db.lockForUpdate("realtime_tickets", id: (try row.requireID())) }
                guard let current = try await RealtimeTicketModel.find((try row.requireID()), on: db),
                    current.usedAt == nil, current.expiresAt > now
                else { return nil }
                current.usedAt = now
                try await current.update(on: db)
                return current
            }
            guard let redeemed else { throw APIError.unauthenticated }
            return .init(
                userId: redeemed.userId, companyId: redeemed.companyId, expiresAt: redeemed.sessionExpiresAt,
                sessionKey: redeemed.sessionKey.flatMap(SessionKey.init(text:)))
        }
        let caller = try await req.requireCaller()
        let expires =
            caller.sessionExpiresAt
            ?? req.now.addingTimeInterval(Double(req.application.settings.accessTokenTTLSeconds))
        return .init(
            userId: caller.userId, companyId: caller.companyId, expiresAt: expires, sessionKey: caller.sessionKey)
    }
}

extension Application {
    private struct HubKey: StorageKey { typealias Value = RealtimeHub }

    var realtimeHub: RealtimeHub {
        get { configured(HubKey.self, "the realtime hub") }
        set { storage[HubKey.self] = newValue }
    }
}

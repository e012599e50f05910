import Fluent
import Foundation

extension SessionKey {
    /// Whether the sign-in still stands: the browser session exists and has not expired, or the token family has a
    /// token that was not revoked. A socket opens only for a live sign-in, so a ticket minted just before a sign-out
    /// cannot open one after it.
    func isLive(on db: any Database, now: Date) async throws -> Bool {
        switch self {
        case .browser(let id):
            return try await WebSessionModel.find(id, on: db).map { $0.expiresAt > now } ?? false
        case .tokenFamily(let id):
            return try await RefreshTokenModel.query(on: db).filter(\.$familyId == id).filter(\.$revokedAt == nil)
                .first() != nil
        }
    }
}

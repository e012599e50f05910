import BidForgeCore
import Crypto
import Fluent
import JWT
import Vapor

/// Issues access tokens (JWT) and opaque refresh tokens, and rotates the latter with reuse detection.
struct TokenService {
    let request: Request

    struct Pair: Content {
        let accessToken: String
        let refreshToken: String
        /// Seconds until the access token expires.
        let expiresIn: Int
    }

    func issue(for user: UserModel, family: UUID = UUID()) async throws -> Pair {
        let settings = request.application.settings
        let now = request.now
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let claims = AccessClaims(
            sub: .init(value: (try user.requireID()).lowercasedString),
            cid: user.companyId.lowercasedString,
            role: user.role,
            exp: .init(value: issuedAt.addingTimeInterval(TimeInterval(settings.accessTokenTTLSeconds))),
            iat: .init(value: issuedAt),
            jti: .init(value: UUID().lowercasedString),
            sid: family.lowercasedString
        )
        let access = try await request.jwt.sign(claims)
        let refresh = SecureToken.generate()
        let stored = RefreshTokenModel(
            userId: (try user.requireID()), companyId: user.companyId, familyId: family,
            tokenHash: SecureToken.hash(refresh),
            expiresAt: now.addingTimeInterval(TimeInterval(settings.refreshTokenTTLSeconds)), now: now)
        try await request.write { db in try await stored.create(on: db) }
        return Pair(accessToken: access, refreshToken: refresh, expiresIn: settings.accessTokenTTLSeconds)
    }

    /// Exchanges a refresh token for a new pair. A token that was already used revokes its whole family.
    func rotate(_ presented: String) async throws -> (Pair, UserModel) {
        let hash = SecureToken.hash(presented)
        let now = request.now
        let db = request.db
        guard let stored = try await RefreshTokenModel.query(on: db).filter(\.$tokenHash == hash).first() else {
            throw APIError.unauthenticated
        }
        if stored.revokedAt != nil || stored.usedAt != nil {
            try await revokeFamily(stored.familyId)
            request.logger.warning(
                "refresh token reuse detected; family revoked",
                metadata: ["family": .string(stored.familyId.lowercasedString)])
            throw APIError.unauthenticated
        }
        guard stored.expiresAt > now else { throw APIError.unauthenticated }
        // Claim the token atomically: of two concurrent refreshes only one sees a row come back.
        let id = (try stored.requireID())
        let claimed = try await request.write { db in
            try await db.sql.raw(
                """
                UPDATE refresh_tokens SET used_at = \(bind: now)
                WHERE id = \(bind: id) AND used_at IS NULL AND revoked_at IS NULL RETURNING id
                """
            ).all().count
        }
        guard claimed == 1 else {
            try await revokeFamily(stored.familyId)
            throw APIError.unauthenticated
        }
        guard let user = try await UserModel.find(stored.userId, on: db) else { throw APIError.unauthenticated }
        return (try await issue(for: user, family: stored.familyId), user)
    }

    func revokeFamily(_ family: UUID) async throws {
        let now = request.now
        try await request.write { db in
            try await RefreshTokenModel.query(on: db)
                .set(\.$revokedAt, to: now)
                .filter(\.$familyId == family)
                .filter(\.$revokedAt == nil)
                .update()
        }
        await request.application.endSessions([.tokenFamily(family)])
    }
}

/// Random opaque tokens and their stored form.
enum SecureToken {
    static func generate(bytes: Int = 32) -> String {
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).hex
    }
}

extension Digest {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}

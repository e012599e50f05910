import Foundation
import JWT
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

@Suite struct AccountsTests {
    @Test func registerReturnsUserCompanyAndTokens() async throws {
        try await TestApp.run { t in
            let r = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "Estimator@Example.com", "password": "correct-horse-battery", "name": "Erin Estimator",
                    "role": "CONTRACTOR", "company": ["name": "Lone Star Builders"]
                ] as [String: JSONValue])
            #expect(r.status == .created)
            #expect(r.json["user"]["email"].string == "estimator@example.com")
            #expect(r.json["user"]["companyRole"].string == "ADMIN")
            #expect(r.json["user"]["role"].string == "CONTRACTOR")
            #expect(r.json["company"]["name"].string == "Lone Star Builders")
            #expect(r.json["company"]["plan"].string == "FREE")
            #expect(r.json["user"]["passwordHash"].isNull)
            #expect(r.json["accessToken"].string?.split(separator: ".").count == 3)
            #expect((r.json["refreshToken"].string?.count ?? 0) >= 40)

            let me = try await t.request(.GET, "/api/v1/me", token: r.json["accessToken"].string)
            #expect(me.status == .ok)
            #expect(me.json["company"]["id"].string == r.json["company"]["id"].string)
        }
    }

    @Test func registerRefusals() async throws {
        try await TestApp.run { t in
            _ = try await t.register(.owner, email: "taken@example.com")
            let dup = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "TAKEN@example.com", "password": "correct-horse-battery", "name": "X", "role": "OWNER",
                    "company": ["name": "Other"]
                ] as [String: JSONValue])
            #expect(dup.status == .conflict)
            #expect(dup.errorCode == "EMAIL_TAKEN")

            let admin = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "sneaky@example.com", "password": "correct-horse-battery", "name": "X", "role": "ADMIN",
                    "company": ["name": "Other"]
                ] as [String: JSONValue])
            #expect(admin.status == .badRequest)
            #expect(admin.json["error"]["details"]["role"].string != nil)

            let short = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "short@example.com", "password": "123456789", "name": "X", "role": "OWNER",
                    "company": ["name": "C"]
                ] as [String: JSONValue])
            #expect(short.status == .badRequest)
            #expect(short.json["error"]["details"]["password"].string != nil)

            let badRole = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "r@example.com", "password": "correct-horse-battery", "name": "X", "role": "JANITOR",
                    "company": ["name": "C"]
                ] as [String: JSONValue])
            #expect(badRole.status == .badRequest)
            #expect(badRole.errorCode == "VALIDATION_FAILED")

            let badTrade = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "t@example.com", "password": "correct-horse-battery", "name": "X", "role": "OWNER",
                    "company": ["name": "C", "trades": ["99"], "serviceArea": ["states": ["ZZ"]]]
                ] as [String: JSONValue])
            #expect(badTrade.status == .badRequest)
            #expect(badTrade.json["error"]["details"]["company.trades[0]"].string != nil)
            #expect(badTrade.json["error"]["details"]["company.serviceArea.states[0]"].string != nil)
        }
    }

    @Test func loginFailuresLookTheSame() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.owner)
            let ok = try await t.request(
                .POST, "/api/v1/auth/login", body: ["email": m.email.uppercased(), "password": "correct-horse-battery"])
            #expect(ok.status == .ok)
            #expect(ok.json["user"]["id"].uuid == m.userId)
            let wrong = try await t.request(
                .POST, "/api/v1/auth/login", body: ["email": m.email, "password": "wrong-password-1"])
            let unknown = try await t.request(
                .POST, "/api/v1/auth/login", body: ["email": "nobody@example.com", "password": "wrong-password-1"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.json["error"]["message"].string == unknown.json["error"]["message"].string)
            #expect(wrong.errorCode == "UNAUTHENTICATED")
        }
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.contractor)
            let first = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": m.refreshToken])
            #expect(first.status == .ok)
            let second = try #require(first.json["refreshToken"].string)
            #expect(second != m.refreshToken)
            #expect(first.json["accessToken"].string != nil)

            // The old token again: theft suspected, the whole family dies, including the newest token.
            let reuse = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": m.refreshToken])
            #expect(reuse.status == .unauthorized)
            let afterReuse = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": second])
            #expect(afterReuse.status == .unauthorized)

            let garbage = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": "not-a-token"])
            #expect(garbage.status == .unauthorized)
        }
    }

    @Test func refreshTokensExpire() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.contractor)
            t.clock.advance(by: 31 * 86_400)
            let r = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": m.refreshToken])
            #expect(r.status == .unauthorized)
        }
    }

    @Test func accessTokensExpireAfterFifteenMinutes() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.owner)
            t.clock.advance(by: 14 * 60)
            #expect(try await t.request(.GET, "/api/v1/me", token: m.token).status == .ok)
            t.clock.advance(by: 2 * 60)
            #expect(try await t.request(.GET, "/api/v1/me", token: m.token).status == .unauthorized)
        }
    }

    @Test func logoutRevokesTheSession() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.owner)
            let out = try await t.request(
                .POST, "/api/v1/auth/logout", token: m.token, body: ["refreshToken": m.refreshToken])
            #expect(out.status == .noContent)
            let r = try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": m.refreshToken])
            #expect(r.status == .unauthorized)
        }
    }

    @Test func joiningACompanyByInvitation() async throws {
        try await TestApp.run { t in
            let admin = try await t.register(.contractor)
            let member = try await t.join(admin, role: .subcontractor)
            #expect(member.companyId == admin.companyId)
            let me = try await t.request(.GET, "/api/v1/me", token: member.token)
            #expect(me.json["user"]["companyRole"].string == "MEMBER")
            #expect(me.json["user"]["role"].string == "SUBCONTRACTOR")

            // Tokens are single use and bound to the invited email.
            let invite = try await t.request(
                .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: admin.token,
                body: ["email": "right@example.com", "role": "OWNER"])
            let token = try #require(invite.json["inviteToken"].string)
            let wrongEmail = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "wrong@example.com", "password": "correct-horse-battery", "name": "W", "inviteToken": token
                ])
            #expect(wrongEmail.status == .badRequest)
            let ok = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "right@example.com", "password": "correct-horse-battery", "name": "R", "inviteToken": token
                ])
            #expect(ok.status == .created)
            let again = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "right2@example.com", "password": "correct-horse-battery", "name": "R",
                    "inviteToken": token
                ])
            #expect(again.status == .badRequest)

            // A retried invitation replays its answer, but the one-time token is never stored: it is null in the replay
            // and nowhere in the idempotency table.
            let first = try await t.request(
                .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: admin.token,
                body: ["email": "retry@example.com", "role": "OWNER"], headers: ["Idempotency-Key": "invite-1"])
            let secret = try #require(first.json["inviteToken"].string)
            let replay = try await t.request(
                .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: admin.token,
                body: ["email": "retry@example.com", "role": "OWNER"], headers: ["Idempotency-Key": "invite-1"])
            #expect(replay.status == .created && replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(replay.json["inviteToken"].isNull && replay.json["email"].string == "retry@example.com")
            let stored = try await IdempotencyKeyModel.query(on: t.app.db).all().compactMap(\.responseBody)
            #expect(!stored.isEmpty && !stored.contains { String(decoding: $0, as: UTF8.self).contains(secret) })

            // Only a company admin may invite.
            let notAdmin = try await t.request(
                .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: member.token,
                body: ["email": "x@example.com", "role": "OWNER"])
            #expect(notAdmin.status == .forbidden)
        }
    }

    @Test func forgedExpiredAndUnsignedTokensAreRefused() async throws {
        try await TestApp.run { t in
            let m = try await t.register(.owner)
            let parts = m.token.split(separator: ".").map(String.init)

            // Signed with another secret.
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: "another-secret-another-secret-another"), digestAlgorithm: .sha256)
            let forgedClaims = AccessClaims(
                sub: .init(value: m.userId.uuidString), cid: m.companyId.uuidString, role: .admin,
                exp: .init(value: Date().addingTimeInterval(600)), iat: .init(value: Date()), jti: .init(value: "x"))
            let forged = try await keys.sign(forgedClaims)

            // alg: none with the real payload and no signature.
            let noneHeader = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64URL
            let unsigned = "\(noneHeader).\(parts[1])."

            // Tampered payload with the original signature.
            let tampered =
                "\(parts[0]).\(Data(#"{"sub":"x","cid":"y","role":"ADMIN","exp":9999999999,"iat":1,"jti":"j"}"#.utf8).base64URL).\(parts[2])"

            // Expired: signed with the real key but long past.
            let expired = try await t.app.jwt.keys.sign(
                AccessClaims(
                    sub: .init(value: m.userId.uuidString), cid: m.companyId.uuidString, role: .owner,
                    exp: .init(value: t.clock.now.addingTimeInterval(-60)),
                    iat: .init(value: t.clock.now.addingTimeInterval(-1000)), jti: .init(value: "e")))

            for token in [forged, unsigned, tampered, expired, "garbage", ""] {
                let r = try await t.request(.GET, "/api/v1/me", token: token)
                #expect(r.status == .unauthorized, "token \(token.prefix(20)) got \(r.status)")
                #expect(r.errorCode == "UNAUTHENTICATED")
            }
            let basic = try await t.request(.GET, "/api/v1/me", headers: ["Authorization": "Basic Zm9vOmJhcg=="])
            #expect(basic.status == .unauthorized)
            let none = try await t.request(.GET, "/api/v1/me")
            #expect(none.status == .unauthorized)
        }
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

@Suite struct RateLimitTests {
    @Test func loginIsLimitedPerEmailAndAnswers429WithRetryAfter() async throws {
        try await TestApp.run(rateLimited: true) { t in
            let m = try await t.register(.owner)
            for _ in 0..<10 {
                let r = try await t.request(
                    .POST, "/api/v1/auth/login", body: ["email": m.email, "password": "wrong-password-1"])
                #expect(r.status == .unauthorized)
            }
            let limited = try await t.request(
                .POST, "/api/v1/auth/login", body: ["email": m.email, "password": "correct-horse-battery"])
            #expect(limited.status == .tooManyRequests && limited.errorCode == "RATE_LIMITED")
            let retry = try #require(limited.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retry >= 1 && retry <= 60)
            // The bucket refills with time.
            t.clock.advance(by: 61)
            #expect(
                try await t.request(
                    .POST, "/api/v1/auth/login", body: ["email": m.email, "password": "correct-horse-battery"]
                ).status == .ok)
        }
    }

    @Test func registrationIsLimitedPerAddress() async throws {
        try await TestApp.run(rateLimited: true) { t in
            for _ in 0..<20 { _ = try await t.register(.subcontractor) }
            let r = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "one-too-many@example.com", "password": "correct-horse-battery", "name": "X",
                    "role": "OWNER", "company": ["name": "C"]
                ] as [String: JSONValue])
            #expect(r.status == .tooManyRequests && r.headers.first(name: "Retry-After") != nil)
        }
    }
}

extension AccountsTests {
    @Test func logoutOnlyEndsTheCallersOwnSession() async throws {
        try await TestApp.run { t in
            let alice = try await t.register(.owner)
            let mallory = try await t.register(.contractor)
            let out = try await t.request(
                .POST, "/api/v1/auth/logout", token: mallory.token, body: ["refreshToken": alice.refreshToken])
            #expect(out.status == .noContent)
            #expect(
                try await t.request(.POST, "/api/v1/auth/refresh", body: ["refreshToken": alice.refreshToken]).status
                    == .ok)
        }
    }

    @Test func companyInvitationsExpireAfterSevenDays() async throws {
        try await TestApp.run { t in
            let admin = try await t.register(.contractor)
            let invite = try await t.request(
                .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: admin.token,
                body: ["email": "late@example.com", "role": "SUBCONTRACTOR"])
            let token = try #require(invite.json["inviteToken"].string)
            t.clock.advance(by: 7 * 86_400 + 1)
            let r = try await t.request(
                .POST, "/api/v1/auth/register",
                body: [
                    "email": "late@example.com", "password": "correct-horse-battery", "name": "Late",
                    "inviteToken": token
                ])
            #expect(r.status == .badRequest && r.json["error"]["details"]["inviteToken"].string != nil)
        }
    }
}

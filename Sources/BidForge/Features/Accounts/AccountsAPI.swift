import OpenAPIKit

/// Sign-up, sign-in, token refresh and sign-out, and the caller.
enum AccountsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/auth/register",
            "Create an account and a company (or join one with inviteToken)",
            auth: .none,
            body: "RegisterInput", success: (201, "Auth"), errors: [400, 409, 429],
            notes:
                "409 EMAIL_TAKEN for a used email (compared case-insensitively). Idempotency-Key is not honoured on public endpoints."
        ),
        .init(
            .POST, "/api/v1/auth/login",
            "Sign in",
            auth: .none, body: "LoginInput",
            success: (200, "Auth"), errors: [400, 401, 429],
            notes:
                "Limited per client address and per email (RATE_LIMIT_LOGIN_PER_MINUTE, default 10): 429 RATE_LIMITED with Retry-After."
        ),
        .init(
            .POST, "/api/v1/auth/refresh",
            "Exchange a refresh token for a new pair (rotation; reuse revokes the family)",
            auth: .none,
            body: "RefreshInput", success: (200, "TokenPair"), errors: [400, 401]),
        .init(
            .POST, "/api/v1/auth/logout",
            "Revoke the session that owns this refresh token",
            body: "RefreshInput", success: (204, nil), errors: [400, 401]),
        .init(
            .GET, "/api/v1/me",
            "The caller and their company",
            success: (200, "Me"),
            errors: [401])
    ]

    static var schemas: [String: JSONSchema] { S.accounts }
}

extension S {
    fileprivate static let accounts: [String: JSONSchema] = [
        "User": object(
            [
                "id": uuid, "email": string, "name": string,
                "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR", "ADMIN"]), "companyId": uuid,
                "companyRole": enumeration(["ADMIN", "MEMBER"]), "createdAt": time
            ],
            required: ["id", "email", "name", "role", "companyId", "companyRole", "createdAt"]),
        "RegisterInput": object(
            [
                "email": string,
                "password": JSONSchema.string(description: "10 characters to 72 bytes", minLength: 10),
                "name": text(1, 200), "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR"]),
                "company": ref("CompanyInput"),
                "inviteToken": JSONSchema.string(
                    description:
                        "Join an existing company instead of creating one; the email must match the invitation, whose role applies."
                )
            ], required: ["email", "password", "name"]),
        "Auth": object(
            [
                "user": ref("User"), "company": ref("Company"), "accessToken": string, "refreshToken": string,
                "expiresIn": JSONSchema.integer.described("seconds until the access token expires")
            ],
            required: ["user", "accessToken", "refreshToken", "expiresIn"]),
        "LoginInput": object(["email": string, "password": string], required: ["email", "password"]),
        "RefreshInput": object(["refreshToken": string], required: ["refreshToken"]),
        "TokenPair": object(
            ["accessToken": string, "refreshToken": string, "expiresIn": int],
            required: ["accessToken", "refreshToken", "expiresIn"]),
        "Me": object(["user": ref("User"), "company": ref("Company")], required: ["user", "company"])
    ]
}

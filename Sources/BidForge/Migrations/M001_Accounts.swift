import Fluent
import SQLKit

struct M001_CreateCompanies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("companies")
            .id()
            .field("name", .string, .required)
            .field("trades", .string, .required)
            .field("service_states", .string, .required)
            .field("plan", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("companies").delete()
    }
}

struct M002_CreateUsers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("users")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("email", .string, .required)
            .field("password_hash", .string, .required)
            .field("name", .string, .required)
            .field("role", .string, .required)
            .field("company_role", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "email", name: "users_email_key")
            .create()
        try await db.sql.raw("CREATE INDEX users_company_id_idx ON users (company_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("users").delete()
    }
}

struct M003_CreateRefreshTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("refresh_tokens")
            .id()
            .field("user_id", .uuid, .required, .references("users", "id"))
            .field("company_id", .uuid, .required)
            .field("family_id", .uuid, .required)
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash", name: "refresh_tokens_token_hash_key")
            .create()
        try await db.sql.raw("CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id)").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("refresh_tokens").delete()
    }
}

struct M004_CreateMemberInvitations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("member_invitations")
            .id()
            .field("company_id", .uuid, .required, .references("companies", "id"))
            .field("email", .string, .required)
            .field("role", .string, .required)
            .field("token_hash", .string, .required)
            .field("invited_by", .uuid, .required)
            .field("expires_at", .datetime, .required)
            .field("accepted_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash", name: "member_invitations_token_hash_key")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("member_invitations").delete()
    }
}

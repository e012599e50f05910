import Fluent
import Foundation
import Testing
import Vapor

@testable import BidForge
@testable import BidForgeCore

/// A signed-in person in a test.
struct Member: Sendable {
    let token: String
    let refreshToken: String
    let userId: UUID
    let companyId: UUID
    let email: String
    let role: UserRole

    /// From a register or login answer (`{user, company, accessToken, refreshToken}`).
    init(auth r: TestResponse, email: String, role: UserRole) throws {
        token = try #require(r.json["accessToken"].string, "no access token in \(r.text)")
        refreshToken = try #require(r.json["refreshToken"].string)
        userId = try #require(r.json["user"]["id"].uuid)
        companyId = try #require(r.json["user"]["companyId"].uuid)
        self.email = email
        self.role = role
    }
}

extension TestApp {
    func register(
        _ role: UserRole, company: String? = nil, trades: [String] = ["03", "09", "26"],
        states: [String] = ["TX"], email: String? = nil
    ) async throws -> Member {
        let email = email ?? "\(role.rawValue.lowercased())-\(UUID().uuidString.prefix(8))@example.com"
        let companyName = company ?? "\(role.rawValue.capitalized) Co \(UUID().uuidString.prefix(4))"
        let body: [String: JSONValue] = [
            "email": .string(email), "password": .string("correct-horse-battery"), "name": .string("Pat Tester"),
            "role": .string(role.rawValue),
            "company": .object([
                "name": .string(companyName), "trades": .array(trades.map { .string($0) }),
                "serviceArea": .object(["states": .array(states.map { .string($0) })])
            ])
        ]
        let r = try await request(.POST, "/api/v1/auth/register", body: body)
        try #require(r.status == .created, "register failed: \(r.text)")
        return try Member(auth: r, email: email, role: role)
    }

    /// Signs in again: after the test clock moves past fifteen minutes, access tokens have expired.
    func relogin(_ m: Member) async throws -> Member {
        let r = try await request(
            .POST, "/api/v1/auth/login", body: ["email": m.email, "password": "correct-horse-battery"])
        try #require(r.status == .ok, "login failed: \(r.text)")
        return try Member(auth: r, email: m.email, role: m.role)
    }

    /// A second person in `admin`'s company, through the company invitation flow.
    func join(_ admin: Member, role: UserRole) async throws -> Member {
        let email = "member-\(UUID().uuidString.prefix(8))@example.com"
        let invite = try await request(
            .POST, "/api/v1/companies/\(admin.companyId)/invitations", token: admin.token,
            body: ["email": email, "role": role.rawValue])
        try #require(invite.status == .created, "invite failed: \(invite.text)")
        let r = try await request(
            .POST, "/api/v1/auth/register",
            body: [
                "email": email, "password": "correct-horse-battery", "name": "Second Person",
                "inviteToken": invite.json["inviteToken"].string!
            ])
        try #require(r.status == .created, "join failed: \(r.text)")
        return try Member(auth: r, email: email, role: role)
    }

    /// The platform operator: never self-registered, so made directly in the database.
    func platformAdmin() async throws -> Member {
        let host = try await register(.owner, company: "BidForge Operations")
        try await UserModel.query(on: app.db).set(\.$role, to: .admin).filter(\.$id == host.userId).update()
        let login = try await request(
            .POST, "/api/v1/auth/login", body: ["email": host.email, "password": "correct-horse-battery"])
        try #require(login.status == .ok)
        return try Member(auth: login, email: host.email, role: .admin)
    }

    func setPlan(_ companyId: UUID, _ plan: Plan) async throws {
        try await CompanyModel.query(on: app.db).set(\.$plan, to: plan).filter(\.$id == companyId).update()
    }

    func projectJSON(
        title: String = "Clinic fit-out", trades: [String] = ["03", "09", "26"], state: String = "TX",
        city: String = "Austin", visibility: String = "PUBLIC", sealed: Bool = false,
        dueInDays: Double = 7, budget: (Int64, Int64)? = (1_000_000, 5_000_000),
        description: String = "Two-storey clinic"
    ) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "title": .string(title), "description": .string(description), "trades": .array(trades.map { .string($0) }),
            "visibility": .string(visibility), "sealed": .bool(sealed),
            "location": .object(["city": .string(city), "state": .string(state), "postalCode": .string("78701")]),
            "bidDueAt": .string(JSONCoding.formatDate(clock.now.addingTimeInterval(dueInDays * 86_400)))
        ]
        if let budget {
            body["budgetMinCents"] = .int(budget.0)
            body["budgetMaxCents"] = .int(budget.1)
        }
        return body
    }

    func createProject(_ owner: Member, _ body: [String: JSONValue]? = nil) async throws -> UUID {
        let r = try await request(.POST, "/api/v1/projects", token: owner.token, body: body ?? projectJSON())
        try #require(r.status == .created, "create project failed: \(r.text)")
        return r.json["id"].uuid!
    }

    func openProject(_ owner: Member, _ body: [String: JSONValue]? = nil) async throws -> UUID {
        let id = try await createProject(owner, body)
        let r = try await request(.POST, "/api/v1/projects/\(id)/publish", token: owner.token)
        try #require(r.status == .ok, "publish failed: \(r.text)")
        return id
    }

    func bidJSON(_ amount: Int64, trade: String = "03", ack: Int? = nil) -> [String: JSONValue] {
        var body: [String: JSONValue] = [
            "amountCents": .int(amount),
            "lineItems": .array([
                .object([
                    "description": .string("Work"), "trade": .string(trade), "quantity": .int(1), "unit": .string("LS"),
                    "unitPriceCents": .int(amount), "totalCents": .int(amount)
                ])
            ]),
            "exclusions": .array([.string("Permits")])
        ]
        if let ack { body["acknowledgedAddendum"] = .int(Int64(ack)) }
        return body
    }

    @discardableResult
    func bid(_ bidder: Member, on project: UUID, amount: Int64 = 1_500_000, key: String? = nil) async throws
        -> TestResponse
    {
        try await request(
            .POST, "/api/v1/projects/\(project)/bids", token: bidder.token, body: bidJSON(amount),
            headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    func submitBid(_ bidder: Member, on project: UUID, amount: Int64 = 1_500_000) async throws -> UUID {
        let r = try await bid(bidder, on: project, amount: amount)
        try #require(r.status == .created, "bid failed: \(r.text)")
        return r.json["id"].uuid!
    }

    /// The owner invites `invitee`'s company to `project` (required to succeed).
    func invite(_ invitee: Member, to project: UUID, by owner: Member) async throws {
        let r = try await request(
            .POST, "/api/v1/projects/\(project)/invitations", token: owner.token,
            body: ["companyIds": [.string(invitee.companyId.uuidString)]] as [String: JSONValue])
        try #require(r.status == .created, "invitation failed: \(r.text)")
    }

    func close(_ owner: Member, _ project: UUID) async throws {
        let r = try await request(.POST, "/api/v1/projects/\(project)/close", token: owner.token)
        try #require(r.status == .ok, "close failed: \(r.text)")
    }

    func notifications(_ member: Member) async throws -> [J] {
        try await request(.GET, "/api/v1/notifications?limit=100", token: member.token).json["data"].array
    }
}

import OpenAPIKit

/// Company profiles, their members and plans.
enum CompaniesAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .GET, "/api/v1/companies/{companyID}",
            "A company's public profile",
            success: (200, "Company"), errors: [401, 404]),
        .init(
            .PATCH, "/api/v1/companies/{companyID}",
            "Edit name, trades, service area (company admin)",
            body: "CompanyPatch", success: (200, "Company"), errors: [400, 401, 403, 404]),
        .init(
            .POST, "/api/v1/companies/{companyID}/invitations",
            "Invite a person to join the company (company admin)",
            body: "MemberInvitationInput", success: (201, "MemberInvitation"), errors: [400, 401, 403, 404, 409],
            idempotent: true),
        .init(
            .PUT, "/api/v1/companies/{companyID}/plan",
            "Set a company's plan (platform ADMIN)",
            body: "PlanInput", success: (200, "Company"), errors: [400, 401, 403, 404])
    ]

    static var schemas: [String: JSONSchema] { S.companies }
}

extension S {
    fileprivate static let companies: [String: JSONSchema] = [
        "ServiceArea": object(["states": array(state)], required: ["states"]),
        "CompanyInput": object(
            ["name": text(1, 200), "trades": tradeCodes, "serviceArea": ref("ServiceArea")], required: ["name"]),
        "Company": object(
            [
                "id": uuid, "name": string, "trades": tradeCodes, "serviceArea": ref("ServiceArea"),
                "plan": enumeration(["FREE", "PRO", "ENTERPRISE"]), "createdAt": time
            ],
            required: ["id", "name", "trades", "serviceArea", "createdAt"],
            description: "Public profile; `plan` appears only for the caller's own company."),
        "CompanyPatch": object(["name": text(1, 200), "trades": tradeCodes, "serviceArea": ref("ServiceArea")]),
        "MemberInvitationInput": object(
            ["email": string, "role": enumeration(["OWNER", "CONTRACTOR", "SUBCONTRACTOR"])],
            required: ["email", "role"]),
        "MemberInvitation": object(
            [
                "inviteToken": nullable(string).described(
                    "null when an Idempotency-Key retry replays the answer: the secret is in the first response only"),
                "email": string, "role": string, "expiresAt": time
            ],
            required: ["inviteToken", "email", "role", "expiresAt"],
            description: "The token is shown once; it is valid for 7 days and a single registration."),
        "PlanInput": object(["plan": enumeration(["FREE", "PRO", "ENTERPRISE"])], required: ["plan"])
    ]
}

import OpenAPIKit

/// Invitations to bid.
enum InvitationsAPI: DocumentedAPI {
    static let operations: [APIOperation] = [
        .init(
            .POST, "/api/v1/projects/{projectID}/invitations",
            "Invite companies to bid (owner company)",
            body: "InviteInput", success: (201, "page:Invitation"), errors: [400, 401, 403, 404, 409], idempotent: true,
            notes:
                "Answers in the list shape with every targeted company's invitation (existing ones are returned, not duplicated). Match finds companies by trade (any) and service area (any of the states) that have a CONTRACTOR or SUBCONTRACTOR. Invitees are notified when the project is OPEN, or when it is published."
        ),
        .init(
            .GET, "/api/v1/projects/{projectID}/invitations",
            "Invitations of a project (owner company)",
            query: APIOperation.listQuery,
            success: (200, "page:Invitation"), errors: [400, 401, 403, 404]),
        .init(
            .GET, "/api/v1/invitations",
            "The caller company's invitations inbox",
            query: APIOperation.listQuery,
            success: (200, "page:Invitation"), errors: [400, 401]),
        .init(
            .POST, "/api/v1/invitations/{invitationID}/respond",
            "Answer WILL_BID or DECLINED",
            body: "RespondInput", success: (200, "Invitation"), errors: [400, 401, 404, 409],
            notes:
                "Only while the project is OPEN (409 BIDDING_CLOSED); not after a bid was submitted (409 INVALID_TRANSITION). Withdrawing a bid sets the invitation to DECLINED."
        )
    ]

    static var schemas: [String: JSONSchema] { S.invitations }
}

extension S {
    fileprivate static let invitations: [String: JSONSchema] = [
        "InviteInput": object(
            [
                "companyIds": array(uuid),
                "match": object(["trades": tradeCodes, "states": array(state)], required: ["trades"])
            ],
            description:
                "companyIds, match, or both (at most 100 companies each); your own company cannot be invited."),
        "Invitation": object(
            [
                "id": uuid, "projectId": uuid, "companyId": uuid, "companyName": string,
                "status": enumeration(["PENDING", "VIEWED", "WILL_BID", "DECLINED", "BID_SUBMITTED"]),
                "createdAt": time, "respondedAt": nullable(time),
                "project": object(
                    ["id": uuid, "title": string, "status": string, "bidDueAt": time, "companyId": uuid],
                    description: "In the invited company's inbox only; companyName is then the posting company.")
            ], required: ["id", "projectId", "companyId", "companyName", "status", "createdAt", "respondedAt"]),
        "RespondInput": object(["response": enumeration(["WILL_BID", "DECLINED"])], required: ["response"])
    ]
}

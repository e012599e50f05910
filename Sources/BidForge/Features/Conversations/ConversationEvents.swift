import Foundation

/// A message in a thread: both companies' open threads update; the other company is notified.
struct MessageCreated: EventPayload {
    let message: MessageDTO
    let projectId: UUID
    let projectTitle: String?
    let recipientCompanyId: UUID
    let parties: [UUID]

    var notifications: [NotificationDraft] {
        let data: [String: JSONValue] = [
            "conversationId": .string(message.conversationId.lowercasedString),
            "messageId": .string(message.id.lowercasedString),
            "projectId": .string(projectId.lowercasedString)
        ]
        return [
            NotificationDraft(
                companyIds: [recipientCompanyId], type: .messageReceived,
                title: "New message about \(projectTitle ?? "a project")",
                body: String(message.body.prefix(200)), data: data)
        ]
    }

    /// The message as the API shows it.
    var pushes: [Push] {
        get throws { [Push(type: "message.created", companyIds: parties, data: try JSONValue.from(message))] }
    }
}

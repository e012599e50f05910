import Fluent
import Foundation
import SQLKit

/// The conversation list in one statement: the threads of a company with project title, both company names and the
/// user's unread count (messages from others after the user's read mark).
enum ConversationQueries {
    static func list(
        companyId: UUID, userId: UUID, only conversationId: UUID? = nil, limit: Int, offset: Int,
        on db: any SQLDatabase
    ) async throws -> [ConversationDTO] {
        var filter = SQLQueryString("(c.owner_company_id = \(bind: companyId) OR c.company_id = \(bind: companyId))")
        if let conversationId { filter = "\(filter) AND c.id = \(bind: conversationId)" }
        let rows = try await db.raw(
            """
            SELECT c.*, p.title AS project_title, oc.name AS owner_company_name, cc.name AS company_name,
              (SELECT COUNT(*) FROM messages m
                 WHERE m.conversation_id = c.id AND m.sender_id <> \(bind: userId)
                   AND m.seq > COALESCE(r.read_seq, 0)) AS unread_count
            FROM conversations c
            JOIN projects p ON p.id = c.project_id
            JOIN companies oc ON oc.id = c.owner_company_id
            JOIN companies cc ON cc.id = c.company_id
            LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = \(bind: userId)
            WHERE \(filter)
            ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC
            LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        return try rows.map { row in
            let c = try row.decode(fluentModel: ConversationModel.self)
            return ConversationDTO(
                id: (try c.requireID()), projectId: c.projectId,
                projectTitle: try row.decode(column: "project_title", as: String.self),
                ownerCompanyId: c.ownerCompanyId,
                ownerCompanyName: try row.decode(column: "owner_company_name", as: String.self),
                companyId: c.companyId, companyName: try row.decode(column: "company_name", as: String.self),
                createdAt: c.createdAt, lastMessageAt: c.lastMessageAt,
                unreadCount: try row.decode(column: "unread_count", as: Int.self))
        }
    }

    static func count(companyId: UUID, on db: any Database) async throws -> Int {
        try await ConversationModel.query(on: db)
            .group(.or) { $0.filter(\.$ownerCompanyId == companyId).filter(\.$companyId == companyId) }
            .count()
    }

    /// Messages up to number `seq` count as read for `userId`; a read mark only moves forward.
    static func markRead(_ conversationId: UUID, userId: UUID, upTo seq: Int64, on db: any SQLDatabase) async throws {
        try await db.raw(
            """
            INSERT INTO conversation_reads (conversation_id, user_id, read_seq)
            VALUES (\(bind: conversationId), \(bind: userId), \(bind: seq))
            ON CONFLICT (conversation_id, user_id) DO UPDATE SET read_seq = CASE
              WHEN excluded.read_seq > conversation_reads.read_seq THEN excluded.read_seq ELSE conversation_reads.read_seq END
            """
        ).run()
    }

    /// The names of the people who sent `messages`, by user id.
    static func senderNames(_ messages: [MessageModel], on db: any Database) async throws -> [UUID: String] {
        let ids = Array(Set(messages.map(\.senderId)))
        guard !ids.isEmpty else { return [:] }
        let users = try await UserModel.query(on: db).filter(\.$id ~~ ids).all()
        return Dictionary(uniqueKeysWithValues: try users.map { ((try $0.requireID()), $0.name) })
    }
}

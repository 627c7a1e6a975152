import Foundation
import GRDB

extension SQLiteStore {
    // MARK: Ingress

    /// Applies an accepted MsgHead's conversation link (the message is row `id`), in the ingress
    /// transaction. A message from a conversation's receiver back to its sender whose
    /// `RefToParent` names the request's MsgId, or whose `RefToConversation` names the
    /// conversation, answers it (late when the deadline has passed) and opens none; otherwise
    /// the message opens one when its function does.
    static func recordConversation(_ link: ConversationLink, of message: NewMessage, id: Int64, now: Date, db: Database) throws {
        guard let from = message.fromHerId, let to = message.toHerId, let msgId = message.msgId else { return }
        let stamp = now.timeIntervalSince1970
        if link.refToParent != nil || link.refToConversation != nil {
            // The request went the other way: its sender is this message's receiver.
            let named: StatementArguments = [
                "sender": to, "receiver": from, "parent": link.refToParent, "conversation": link.refToConversation,
            ]
            try db.cachedStatement(sql: answerNamedConversations)
                .execute(arguments: named + ["now": stamp, "answer": id, "answerId": message.messageId])
            // An answer to an open request (the usual case) was just recorded; one that names a
            // conversation answered or closed already opens none either.
            if db.changesCount > 0 { return }
            if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (\(namedConversations))"), arguments: named) == true {
                return
            }
        }
        guard let opening = link.opening, let function = message.messageFunction else { return }
        var insert = try BoundStatement(db.cachedStatement(sql: """
            INSERT INTO conversation (conversation_id, request_message, request_message_id, request_msg_id, function,
                                      sender_her_id, receiver_her_id, opened_at, deadline, state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)
            """))
        insert.bind(opening.conversationId)
        insert.bind(id)
        insert.bind(message.messageId)
        insert.bind(msgId)
        insert.bind(function)
        insert.bind(from)
        insert.bind(to)
        insert.bind(stamp)
        insert.bind(stamp + opening.answerWithin)
        insert.bind(stamp)
        try insert.execute()
    }

    /// Records the answer `:answer` (`:answerId`) at `:now` in the open or overdue conversations
    /// it names (`namedConversations`).
    static let answerNamedConversations = """
        UPDATE conversation
        SET state = CASE WHEN state = 'overdue' OR deadline < :now THEN 'answered-late' ELSE 'answered' END,
            answer_message = :answer, answer_message_id = :answerId, answered_at = :now, updated_at = :now
        WHERE id IN (\(namedConversations)) AND state IN ('open', 'overdue')
        """

    /// The conversations from `:sender` to `:receiver` an answer names: by its `RefToConversation`
    /// (`:conversation`), or by its `RefToParent` (`:parent`) as the request's MsgId, which is the
    /// conversation's id too unless the request named one. Each part is one index look-up; a
    /// single `OR` over both columns made SQLite read every conversation between the two parties.
    /// A conversation whose id is its request's MsgId is found through the request while the
    /// store keeps it (migration `v13-msg-id-keys`), through `conversation_by_own_id` after.
    /// `CROSS JOIN` keeps the message outermost: without statistics SQLite would otherwise start
    /// at every conversation of the sender.
    static let namedConversations = """
        SELECT c.id FROM message m CROSS JOIN conversation c ON c.request_message = m.id
        WHERE m.msg_id IN (:conversation, :parent) AND m.from_her_id = :sender AND m.to_her_id = :receiver
          AND c.conversation_id = c.request_msg_id
        UNION ALL
        SELECT id FROM conversation
        WHERE sender_her_id = :sender AND receiver_her_id = :receiver AND conversation_id = :conversation
          AND \(ConversationSchema.notFoundByRequest)
        UNION ALL
        SELECT id FROM conversation
        WHERE sender_her_id = :sender AND receiver_her_id = :receiver AND conversation_id = :parent
          AND \(ConversationSchema.notFoundByRequest) AND request_msg_id = conversation_id
        UNION ALL
        SELECT id FROM conversation
        WHERE sender_her_id = :sender AND receiver_her_id = :receiver AND request_msg_id = :parent
          AND request_msg_id != conversation_id
        """

    /// Closes the open or overdue conversation a request opened once the request can no longer be
    /// answered: its receiver refused it, an AppRec rejected it, or it was never delivered.
    static func closeConversation(ofRequest id: Int64, after status: MessageStatus, at: Double, db: Database) throws {
        let reason: String
        switch status {
        case .rejected:
            reason = try isAnsweredByAppRec(id, db: db) ? "the request was rejected by an AppRec" : "the receiver refused the request"
        case .expired:
            reason = "the request expired before it was delivered"
        case .failed:
            reason = "the request could not be delivered"
        case .accepted, .sent, .delivered, .acknowledged, .acknowledgedWithErrors:
            return
        }
        try db.cachedStatement(sql: """
            UPDATE conversation SET state = 'closed', closed_reason = ?, updated_at = ?
            WHERE request_message = ? AND state IN ('open', 'overdue')
            """).execute(arguments: [reason, at, id])
    }

    // MARK: The deadline

    package func markOverdueConversations(now: Date, limit: Int) async throws(StoreError) -> [Conversation] {
        try await write("mark overdue conversations") { db in
            let stamp = now.timeIntervalSince1970
            let due = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM conversation WHERE state = 'open' AND deadline < ? ORDER BY deadline, id LIMIT ?
                """), arguments: [stamp, limit])
            return try due.map { row in
                var conversation = try Self.conversation(row)
                conversation.state = .overdue
                let id: Int64 = row["id"]
                try db.cachedStatement(sql: "UPDATE conversation SET state = 'overdue', updated_at = ? WHERE id = ?")
                    .execute(arguments: [stamp, id])
                let description = "No answer to \(conversation.function) by its deadline \(Timestamp.format(conversation.deadline))"
                for (receiver, other) in [(conversation.receiverHerId, conversation.senderHerId),
                                          (conversation.senderHerId, conversation.receiverHerId)] {
                    try Self.notify(
                        .conversationOverdue, about: .conversation(id), receiver: receiver,
                        relatedMessageId: conversation.requestMessageId, triggeredBy: other, description: description,
                        at: stamp, db: db)
                }
                return conversation
            }
        }
    }

    @discardableResult
    package func pruneConversations(finishedBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune conversations") { db in
            try db.execute(sql: """
                DELETE FROM conversation WHERE id IN (
                    SELECT id FROM conversation WHERE \(ConversationSchema.finishedStates) AND updated_at < ?
                    LIMIT 5000)
                """, arguments: [finishedBefore.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Reading

    package func conversations(involving herIds: [Int]?, state: ConversationState?) async throws(StoreError) -> [Conversation] {
        try await read("read conversations") { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let herIds {
                guard !herIds.isEmpty else { return [] }
                let marks = databaseQuestionMarks(count: herIds.count)
                conditions.append("(sender_her_id IN (\(marks)) OR receiver_her_id IN (\(marks)))")
                arguments += StatementArguments(herIds + herIds)
            }
            if let state {
                conditions.append("state = ?")
                arguments += [state.rawValue]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM conversation \(filter) ORDER BY opened_at, id", arguments: arguments)
                .map(Self.conversation)
        }
    }

    package func conversation(ofMessage id: Int64) async throws(StoreError) -> Conversation? {
        try await read("read a message's conversation") { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT * FROM conversation WHERE request_message = ? OR answer_message = ? ORDER BY id LIMIT 1
                """), arguments: [id, id]).map(Self.conversation)
        }
    }

    private static func conversation(_ row: Row) throws -> Conversation {
        guard let state = ConversationState(rawValue: row["state"]) else {
            throw CorruptRecord("conversation \(row["id"] as Int64? ?? 0) has an unknown state")
        }
        return Conversation(
            conversationId: row["conversation_id"], requestMessageId: row["request_message_id"],
            requestMsgId: row["request_msg_id"], function: row["function"], senderHerId: row["sender_her_id"],
            receiverHerId: row["receiver_her_id"], openedAt: Date(timeIntervalSince1970: row["opened_at"]),
            deadline: Date(timeIntervalSince1970: row["deadline"]), state: state,
            answerMessageId: row["answer_message_id"],
            answeredAt: (row["answered_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            closedReason: row["closed_reason"])
    }
}

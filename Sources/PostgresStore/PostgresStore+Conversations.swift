import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    // MARK: Ingress

    /// Applies an accepted MsgHead's conversation link (the message is row `id`), in the ingress
    /// transaction: an answer from the request's receiver answers it (late after the deadline);
    /// otherwise the message opens a conversation when its function does.
    func recordConversation(_ link: ConversationLink, of message: NewMessage, id: Int64, now: Date, db: PostgresConnection) async throws {
        guard let from = message.fromHerId, let to = message.toHerId, let msgId = message.msgId else { return }
        let stamp = now.timeIntervalSince1970
        if link.refToParent != nil || link.refToConversation != nil {
            // The request went the other way: its sender is this message's receiver.
            let named = try await db.value("""
                SELECT EXISTS (SELECT 1 FROM conversation WHERE sender_her_id = \(to) AND receiver_her_id = \(from)
                               AND (request_msg_id = \(link.refToParent) OR conversation_id = \(link.refToConversation)))
                """, logger, as: Bool.self) ?? false
            if named {
                try await db.query("""
                    UPDATE conversation
                    SET state = CASE WHEN state = 'overdue' OR deadline < \(stamp) THEN 'answered-late' ELSE 'answered' END,
                        answer_message = \(id), answer_message_id = \(message.messageId), answered_at = \(stamp),
                        updated_at = \(stamp)
                    WHERE sender_her_id = \(to) AND receiver_her_id = \(from)
                      AND (request_msg_id = \(link.refToParent) OR conversation_id = \(link.refToConversation))
                      AND state IN ('open', 'overdue')
                    """, logger: logger)
                return
            }
        }
        guard let opening = link.opening, let function = message.messageFunction else { return }
        try await db.query("""
            INSERT INTO conversation (conversation_id, request_message, request_message_id, request_msg_id, function,
                                      sender_her_id, receiver_her_id, opened_at, deadline, state, updated_at)
            VALUES (\(opening.conversationId), \(id), \(message.messageId), \(msgId), \(function), \(from), \(to),
                    \(stamp), \(stamp + opening.answerWithin), 'open', \(stamp))
            """, logger: logger)
    }

    /// Closes the open or overdue conversation a request opened once the request can no longer be
    /// answered: its receiver refused it, an AppRec rejected it, or it was never delivered.
    func closeConversation(ofRequest id: Int64, after status: MessageStatus, at: Double, db: PostgresConnection) async throws {
        let reason: String
        switch status {
        case .rejected:
            reason = try await isAnsweredByAppRec(id, db: db) ? "the request was rejected by an AppRec" : "the receiver refused the request"
        case .expired:
            reason = "the request expired before it was delivered"
        case .failed:
            reason = "the request could not be delivered"
        case .accepted, .sent, .delivered, .acknowledged, .acknowledgedWithErrors:
            return
        }
        try await db.query("""
            UPDATE conversation SET state = 'closed', closed_reason = \(reason), updated_at = \(at)
            WHERE request_message = \(id) AND state IN ('open', 'overdue')
            """, logger: logger)
    }

    // MARK: The deadline

    /// Marks at most `limit` open conversations whose deadline passed before `now` as overdue,
    /// each once, with a `ConversationOverdue` notification to its receiver and to its sender.
    /// Returns those it marked. Rows another instance is marking are skipped, not waited for.
    package func markOverdueConversations(now: Date, limit: Int) async throws(StoreError) -> [Conversation] {
        try await write("mark overdue conversations") { db in
            let stamp = now.timeIntervalSince1970
            let due = try await db.records("""
                SELECT * FROM conversation WHERE state = 'open' AND deadline < \(stamp) ORDER BY deadline, id
                LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, self.logger)
            var marked: [Conversation] = []
            for row in due {
                var conversation = try Self.conversation(row)
                conversation.state = .overdue
                let id: Int64 = try row["id"]
                try await db.query("UPDATE conversation SET state = 'overdue', updated_at = \(stamp) WHERE id = \(id)", logger: self.logger)
                let description = "No answer to \(conversation.function) by its deadline \(Timestamp.format(conversation.deadline))"
                for (receiver, other) in [(conversation.receiverHerId, conversation.senderHerId),
                                          (conversation.senderHerId, conversation.receiverHerId)] {
                    try await self.notify(
                        .conversationOverdue, about: .conversation(id), receiver: receiver,
                        relatedMessageId: conversation.requestMessageId, triggeredBy: other, description: description,
                        at: stamp, db: db)
                }
                marked.append(conversation)
            }
            return marked
        }
    }

    /// Forgets answered and closed conversations whose last change was before `finishedBefore`
    /// (with their notifications). Returns how many it removed.
    @discardableResult
    package func pruneConversations(finishedBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune conversations") { db in
            try await db.run("""
                DELETE FROM conversation WHERE id IN (
                    SELECT id FROM conversation WHERE state IN ('answered', 'answered-late', 'closed')
                    AND updated_at < \(finishedBefore.timeIntervalSince1970) LIMIT 5000)
                RETURNING 1
                """, self.logger)
        }
    }

    // MARK: Reading

    /// The conversations one of `herIds` takes part in (all when nil), in `state` (any when
    /// nil), oldest first.
    package func conversations(involving herIds: [Int]?, state: ConversationState?) async throws(StoreError) -> [Conversation] {
        if let herIds, herIds.isEmpty { return [] }
        return try await read("read conversations") { db in
            // NULL filters match everything: one statement, whatever is asked.
            try await db.records("""
                SELECT * FROM conversation
                WHERE (\(herIds)::BIGINT[] IS NULL OR sender_her_id = ANY(\(herIds)) OR receiver_her_id = ANY(\(herIds)))
                  AND (\(state?.rawValue)::TEXT IS NULL OR state = \(state?.rawValue))
                ORDER BY opened_at, id
                """, self.logger).map(Self.conversation)
        }
    }

    /// The conversation the stored message `id` opened or answered, if any.
    package func conversation(ofMessage id: Int64) async throws(StoreError) -> Conversation? {
        try await read("read a message's conversation") { db in
            try await db.record("""
                SELECT * FROM conversation WHERE request_message = \(id) OR answer_message = \(id) ORDER BY id LIMIT 1
                """, self.logger).map(Self.conversation)
        }
    }

    private static func conversation(_ row: PostgresRecord) throws -> Conversation {
        guard let state = ConversationState(rawValue: try row["state"]) else {
            throw CorruptRecord("conversation \(try row["id"] as Int64) has an unknown state")
        }
        return Conversation(
            conversationId: try row["conversation_id"], requestMessageId: try row["request_message_id"],
            requestMsgId: try row["request_msg_id"], function: try row["function"], senderHerId: try row["sender_her_id"],
            receiverHerId: try row["receiver_her_id"], openedAt: Date(timeIntervalSince1970: try row["opened_at"]),
            deadline: Date(timeIntervalSince1970: try row["deadline"]), state: state,
            answerMessageId: try row["answer_message_id"],
            answeredAt: (try row["answered_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
            closedReason: try row["closed_reason"])
    }
}

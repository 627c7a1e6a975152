import Dialogs
import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// The notifications for these parties after `offset`, oldest first, at most `limit`.
    package func notifications(for herIds: [Int], after offset: Int64, limit: Int) async throws(StoreError) -> [HubNotification] {
        guard !herIds.isEmpty else { return [] }
        return try await read("read notifications") { db in
            try await db.records("""
                SELECT position, type, related_message_id, receiver_her_id, triggered_by_her_id, description, created_at
                FROM notification WHERE receiver_her_id = ANY(\(herIds)) AND position > \(offset)
                ORDER BY position LIMIT \(limit)
                """, self.logger
            ).compactMap { row in
                guard let type = NotificationType(rawValue: try row["type"]) else { return nil }
                return HubNotification(
                    offset: try row["position"], type: type, relatedMessageId: try row["related_message_id"],
                    receiverHerId: try row["receiver_her_id"], triggeredByHerId: try row["triggered_by_her_id"],
                    description: try row["description"], createdAt: Date(timeIntervalSince1970: try row["created_at"]))
            }
        }
    }

    /// The highest offset handed out so far (0 when none): where a stream without an offset starts.
    package func latestNotificationOffset() async throws(StoreError) -> Int64 {
        try await read("read the latest notification offset") { db in
            try await db.value("SELECT COALESCE(MAX(position), 0)::BIGINT FROM notification", self.logger, as: Int64.self) ?? 0
        }
    }

    /// Adds a notification about `subject`, its description masked. Every notification is
    /// written here: positions are handed out under the notification lock, so that they become
    /// visible in order across instances.
    func notify(
        _ type: NotificationType, about subject: NotificationSubject, receiver: Int, relatedMessageId: String,
        triggeredBy: Int?, description: String, at: Double, db: PostgresConnection
    ) async throws {
        try await lock(.notification, db: db)
        try await db.query("""
            INSERT INTO notification (receiver_her_id, type, message, proms_order, conversation, related_message_id,
                                      triggered_by_her_id, description, created_at)
            VALUES (\(receiver), \(type.rawValue), \(subject.messageColumn), \(subject.promsOrderColumn),
                    \(subject.conversationColumn), \(relatedMessageId), \(triggeredBy), \(NationalIdMask.mask(description)),
                    \(at))
            """, logger: logger)
    }

    /// Tells a receiver that a message waits for it (Api and Webhook parties).
    func announceNewMessage(_ id: Int64, at: Double, db: PostgresConnection) async throws {
        guard let row = try await db.record("SELECT message_id, from_her_id, to_her_id FROM message WHERE id = \(id)", logger),
              let receiver: Int = try row["to_her_id"] else { return }
        try await notify(.newMessage, about: .message(id), receiver: receiver, relatedMessageId: try row["message_id"],
                         triggeredBy: try row["from_her_id"], description: "A new message is ready to be downloaded",
                         at: at, db: db)
    }

    /// Tells the senders of those of these messages that were submitted over REST that their
    /// status moved, in the order of `ids`; the senders are read in one statement for all.
    func announce(_ status: MessageStatus, of ids: [Int64], at: Double, db: PostgresConnection) async throws {
        var followed: [Int64: PostgresRecord] = [:]
        for row in try await db.records("""
            SELECT id, message_id, from_her_id, to_her_id FROM message
            WHERE id = ANY(\(ids)) AND origin = \(SubmissionOrigin.rest.rawValue)
            """, logger) {
            followed[try row["id"]] = row
        }
        for id in ids {
            if let row = followed[id] { try await announce(status, of: id, row: row, at: at, db: db) }
        }
    }

    /// Tells the sender of a message submitted over REST (`row`: its message_id, from_her_id and
    /// to_her_id) that its status moved, in the terms of NHN's API: a transport state change,
    /// AppRec information, or a refusal.
    private func announce(_ status: MessageStatus, of id: Int64, row: PostgresRecord, at: Double, db: PostgresConnection) async throws {
        guard let sender: Int = try row["from_her_id"] else { return }
        let messageId: String = try row["message_id"]
        let receiver: Int? = try row["to_her_id"]
        func tell(_ type: NotificationType, _ description: String) async throws {
            try await notify(type, about: .message(id), receiver: sender, relatedMessageId: messageId, triggeredBy: receiver,
                             description: description, at: at, db: db)
        }
        func stateChanged(_ state: TransportDeliveryState) async throws {
            try await tell(.messageDeliveryStateUpdated, "Transport delivery state: \(state.rawValue)")
        }
        switch status {
        case .accepted:
            return
        case .sent, .delivered:
            // Handed over once: a download after a push changes nothing the sender sees.
            let handedOver = try await db.value("""
                SELECT COUNT(*) FROM status WHERE message = \(id) AND status IN ('sent', 'delivered')
                """, logger, as: Int.self) ?? 0
            if handedOver == 1 { try await stateChanged(.acknowledged) }
        case .acknowledged, .acknowledgedWithErrors:
            try await tell(.messageApprecInfoUpdated, "Application receipt: \(status.rawValue)")
        case .rejected:
            if try await isAnsweredByAppRec(id, db: db) {
                try await tell(.messageApprecInfoUpdated, "Application receipt: rejected")
            } else {
                try await stateChanged(.rejected)
                let detail = try await db.value("""
                    SELECT detail FROM status WHERE message = \(id) AND status = 'rejected'
                    """, logger, as: String?.self) ?? nil
                try await tell(.refusedMessage, detail ?? "The receiver refused the message")
            }
        case .expired, .failed:
            try await stateChanged(.abandoned)
        }
    }

    func isAnsweredByAppRec(_ id: Int64, db: PostgresConnection) async throws -> Bool {
        try await db.value("SELECT EXISTS (SELECT 1 FROM apprec_link WHERE message = \(id))", logger, as: Bool.self) ?? false
    }
}

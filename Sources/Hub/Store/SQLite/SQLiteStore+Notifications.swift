import Dialogs
import Foundation
import GRDB

extension SQLiteStore {
    package func notifications(for herIds: [Int], after offset: Int64, limit: Int) async throws(StoreError) -> [HubNotification] {
        guard !herIds.isEmpty else { return [] }
        return try await read("read notifications") { db in
            let marks = databaseQuestionMarks(count: herIds.count)
            return try Row.fetchAll(db, sql: """
                SELECT position, type, related_message_id, receiver_her_id, triggered_by_her_id, description, created_at
                FROM notification WHERE receiver_her_id IN (\(marks)) AND position > ? ORDER BY position LIMIT ?
                """, arguments: StatementArguments(herIds) + [offset, limit]
            ).compactMap { row in
                guard let type = NotificationType(rawValue: row["type"]) else { return nil }
                return HubNotification(
                    offset: row["position"], type: type, relatedMessageId: row["related_message_id"],
                    receiverHerId: row["receiver_her_id"], triggeredByHerId: row["triggered_by_her_id"],
                    description: row["description"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
            }
        }
    }

    package func latestNotificationOffset() async throws(StoreError) -> Int64 {
        try await read("read the latest notification offset") { db in
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(position), 0) FROM notification") ?? 0
        }
    }

    /// Adds a notification about `subject`, its description masked: every notification is
    /// written here.
    static func notify(
        _ type: NotificationType, about subject: NotificationSubject, receiver: Int, relatedMessageId: String,
        triggeredBy: Int?, description: String, at: Double, db: Database
    ) throws {
        try db.cachedStatement(sql: """
            INSERT INTO notification (receiver_her_id, type, message, proms_order, conversation, related_message_id,
                                      triggered_by_her_id, description, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                receiver, type.rawValue, subject.messageColumn, subject.promsOrderColumn, subject.conversationColumn,
                relatedMessageId, triggeredBy, NationalIdMask.mask(description), at,
            ])
    }

    /// Tells a receiver that a message waits for it (Api and Webhook parties).
    static func announceNewMessage(_ id: Int64, at: Double, db: Database) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT message_id, from_her_id, to_her_id FROM message WHERE id = ?
            """), arguments: [id]), let receiver: Int = row["to_her_id"] else { return }
        try notify(.newMessage, about: .message(id), receiver: receiver, relatedMessageId: row["message_id"],
                   triggeredBy: row["from_her_id"], description: "A new message is ready to be downloaded", at: at, db: db)
    }

    /// Tells the sender of a message submitted over REST that its status moved, in the terms
    /// of NHN's API: a transport state change, AppRec information, or a refusal.
    static func announce(_ status: MessageStatus, of id: Int64, at: Double, db: Database) throws {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT origin, kind, message_id, from_her_id, to_her_id FROM message WHERE id = ?
            """), arguments: [id]),
            row["origin"] == SubmissionOrigin.rest.rawValue,
            let sender: Int = row["from_her_id"] else { return }
        let messageId: String = row["message_id"]
        let receiver: Int? = row["to_her_id"]
        func tell(_ type: NotificationType, _ description: String) throws {
            try notify(type, about: .message(id), receiver: sender, relatedMessageId: messageId, triggeredBy: receiver,
                       description: description, at: at, db: db)
        }
        func stateChanged(_ state: TransportDeliveryState) throws {
            try tell(.messageDeliveryStateUpdated, "Transport delivery state: \(state.rawValue)")
        }
        switch status {
        case .accepted:
            return
        case .sent, .delivered:
            // Handed over once: a download after a push changes nothing the sender sees.
            let handedOver = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT (SELECT COUNT(*) FROM status WHERE message = :id AND status IN ('sent', 'delivered'))
                     + (SELECT COUNT(*) FROM message WHERE id = :id AND sent_at IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM status WHERE message = :id AND status = 'sent'))
                """), arguments: ["id": id]) ?? 0
            if handedOver == 1 { try stateChanged(.acknowledged) }
        case .acknowledged, .acknowledgedWithErrors:
            try tell(.messageApprecInfoUpdated, "Application receipt: \(status.rawValue)")
        case .rejected:
            if try isAnsweredByAppRec(id, db: db) {
                try tell(.messageApprecInfoUpdated, "Application receipt: rejected")
            } else {
                try stateChanged(.rejected)
                let detail = try String.fetchOne(db.cachedStatement(sql: """
                    SELECT detail FROM status WHERE message = ? AND status = 'rejected'
                    """), arguments: [id]) ?? nil
                try tell(.refusedMessage, detail ?? "The receiver refused the message")
            }
        case .expired, .failed:
            try stateChanged(.abandoned)
        }
    }

    static func isAnsweredByAppRec(_ id: Int64, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM apprec_link WHERE message = ?)"),
                          arguments: [id]) ?? false
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    package func storedMessages(messageId: String) async throws(StoreError) -> [StoredMessage] {
        try await read("read message") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT m.id, m.message_id, m.kind, m.from_her_id, m.to_her_id, m.function, m.msg_id, m.properties,
                       m.body, m.origin, m.accepted_at, m.sent_at, a.message_id AS apprec_message_id, a.body AS apprec_body
                FROM message m LEFT JOIN apprec_link l ON l.message = m.id LEFT JOIN message a ON a.id = l.apprec
                WHERE m.message_id = ? AND m.kind IN ('dialog', 'apprec') ORDER BY m.id DESC
                """), arguments: [messageId]
            ).map { row in
                let id: Int64 = row["id"]
                let properties = try? PropertiesCodec.decode(row["properties"] as Data)
                let appRec: (String, [UInt8])? = (row["apprec_message_id"] as String?).map {
                    ($0, [UInt8](row["apprec_body"] as Data? ?? Data()))
                }
                return StoredMessage(
                    id: id, messageId: row["message_id"], kind: MessageKind(rawValue: row["kind"]) ?? .dialog,
                    fromHerId: row["from_her_id"], toHerId: row["to_her_id"], messageFunction: row["function"],
                    msgId: row["msg_id"], contentType: properties?.contentType, body: [UInt8](row["body"] as Data),
                    origin: SubmissionOrigin(rawValue: row["origin"]) ?? .amqp,
                    history: try Self.history(of: id, acceptedAt: row["accepted_at"], sentAt: row["sent_at"], db: db), appRec: appRec)
            }
        }
    }

    package func submittedMessage(senderHerId: Int, msgId: String) async throws(StoreError) -> (messageId: String, body: [UInt8])? {
        try await read("read submitted message") { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT message_id, body FROM message WHERE msg_id = ? AND from_her_id = ? AND kind IN ('dialog', 'apprec')
                ORDER BY id LIMIT 1
                """), arguments: [msgId, senderHerId]
            ).map { ($0["message_id"], [UInt8]($0["body"] as Data)) }
        }
    }

    /// A message's history from its row, which the caller has read: `accepted` at its
    /// `accepted_at`, `sent` at its `sent_at` in time order among the rest, which `status`
    /// holds. Of entries at the same instant (one clock reading, or a clock in a test), `sent`
    /// follows `expired` and `failed`, which can precede a send (a replayed dead letter), and
    /// precedes the rest, which follow one. Rows written before those entries were taken from the row may have an `accepted`
    /// or a `sent` row in `status` too: an `accepted` row is skipped, since it says the same,
    /// and a `sent` row is what was recorded first.
    static func history(of id: Int64, acceptedAt: Double, sentAt: Double?, db: Database) throws -> [StatusEntry] {
        var later = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT status, at, detail FROM status WHERE message = ? AND status != 'accepted' ORDER BY at, rowid
            """), arguments: [id]
        ).compactMap { entry -> StatusEntry? in
            guard let status = MessageStatus(rawValue: entry["status"]) else { return nil }
            return StatusEntry(status: status, at: Date(timeIntervalSince1970: entry["at"]), detail: entry["detail"])
        }
        if let sentAt, !later.contains(where: { $0.status == .sent }) {
            let at = Date(timeIntervalSince1970: sentAt)
            let next = later.firstIndex { $0.at > at || ($0.at == at && $0.status != .expired && $0.status != .failed) }
            later.insert(StatusEntry(status: .sent, at: at, detail: nil), at: next ?? later.endIndex)
        }
        return [StatusEntry(status: .accepted, at: Date(timeIntervalSince1970: acceptedAt), detail: nil)] + later
    }
}

import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// The messages between parties (MsgHeads and AppRecs, not error messages or dead-letter
    /// copies) with this `message_id`, newest first, with their histories.
    package func storedMessages(messageId: String) async throws(StoreError) -> [StoredMessage] {
        try await read("read message") { db in
            var messages: [StoredMessage] = []
            for row in try await db.records("""
                SELECT m.id, m.message_id, m.kind, m.from_her_id, m.to_her_id, m.function, m.msg_id, m.properties,
                       m.body, m.origin, a.message_id AS apprec_message_id, a.body AS apprec_body
                FROM message m LEFT JOIN apprec_link l ON l.message = m.id LEFT JOIN message a ON a.id = l.apprec
                WHERE m.message_id = \(messageId) AND m.kind IN ('dialog', 'apprec') ORDER BY m.id DESC
                """, self.logger) {
                let id: Int64 = try row["id"]
                let properties = try? PropertiesCodec.decode(try row["properties"] as Data)
                var appRec: (messageId: String, body: [UInt8])?
                if let appRecId: String = try row["apprec_message_id"] {
                    appRec = (appRecId, [UInt8](try row["apprec_body"] as Data? ?? Data()))
                }
                messages.append(StoredMessage(
                    id: id, messageId: try row["message_id"], kind: MessageKind(rawValue: try row["kind"]) ?? .dialog,
                    fromHerId: try row["from_her_id"], toHerId: try row["to_her_id"], messageFunction: try row["function"],
                    msgId: try row["msg_id"], contentType: properties?.contentType, body: [UInt8](try row["body"] as Data),
                    origin: SubmissionOrigin(rawValue: try row["origin"]) ?? .amqp,
                    history: try await self.history(of: id, db: db), appRec: appRec))
            }
            return messages
        }
    }

    /// The `message_id` and document of the message a sender submitted with this `MsgId` (or
    /// AppRec `Id`), when the store still has it: what an idempotent resubmission compares with.
    package func submittedMessage(senderHerId: Int, msgId: String) async throws(StoreError) -> (messageId: String, body: [UInt8])? {
        try await read("read submitted message") { db in
            guard let row = try await db.record("""
                SELECT message_id, body FROM message WHERE msg_id = \(msgId) AND from_her_id = \(senderHerId)
                AND kind IN ('dialog', 'apprec') ORDER BY id LIMIT 1
                """, self.logger) else { return nil }
            return (try row["message_id"], [UInt8](try row["body"] as Data))
        }
    }
}

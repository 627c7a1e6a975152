import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Inserts a message to send, pending and due at once, with its `accepted` status.
    @discardableResult
    func insert(_ message: NewMessage, now: Date, db: PostgresConnection) async throws -> Int64 {
        let (kind, herId, queue): (String, Int?, String?) = switch message.target {
        case .partyAsync(let herId): ("async", herId, nil)
        case .partyError(let herId): ("error", herId, nil)
        case .queue(let name): ("queue", nil, name)
        }
        let stamp = now.timeIntervalSince1970
        guard let id = try await db.value("""
            INSERT INTO message (message_id, kind, from_her_id, to_her_id, function, msg_id, target_kind,
                                 target_her_id, target_queue, properties, body, state, next_attempt_at,
                                 accepted_at, expires_at, origin)
            VALUES (\(message.messageId), \(message.kind.rawValue), \(message.fromHerId), \(message.toHerId),
                    \(message.messageFunction), \(message.msgId), \(kind), \(herId), \(queue),
                    \(PropertiesCodec.encode(message.properties)), \(Data(message.body)), 'pending', \(stamp),
                    \(stamp), \(message.expiresAt.timeIntervalSince1970), \(message.origin.rawValue))
            RETURNING id
            """, logger, as: Int64.self) else {
            throw CorruptRecord("the database returned no id for a new message")
        }
        try await appendStatus(.accepted, to: id, at: stamp, detail: nil, db: db)
        return id
    }

    /// Appends a status to a message's history; a status already there stays as it was. A new
    /// one is announced to the sender when the sender follows the message over REST, and closes
    /// the conversation a request opened when it means no answer can come.
    func appendStatus(_ status: MessageStatus, to id: Int64, at: Double, detail: String?, db: PostgresConnection) async throws {
        let added = try await db.run("""
            INSERT INTO status (message, status, at, detail) VALUES (\(id), \(status.rawValue), \(at), \(detail))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger)
        if added > 0, status != .accepted {
            try await announce(status, of: id, at: at, db: db)
            try await closeConversation(ofRequest: id, after: status, at: at, db: db)
        }
    }

    /// A message's status history, in the order it was recorded.
    func history(of id: Int64, db: PostgresConnection) async throws -> [StatusEntry] {
        try await db.records("SELECT status, at, detail FROM status WHERE message = \(id) ORDER BY at, seq", logger)
            .compactMap { entry in
                guard let status = MessageStatus(rawValue: try entry["status"]) else { return nil }
                return StatusEntry(status: status, at: Date(timeIntervalSince1970: try entry["at"]), detail: try entry["detail"])
            }
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    /// Inserts a message to send, pending and due at once, with its `accepted` status.
    @discardableResult
    static func insert(_ message: NewMessage, now: Date, db: Database) throws -> Int64 {
        let (kind, herId, queue): (String, Int?, String?) = switch message.target {
        case .partyAsync(let herId): ("async", herId, nil)
        case .partyError(let herId): ("error", herId, nil)
        case .queue(let name): ("queue", nil, name)
        }
        let stamp = now.timeIntervalSince1970
        var insert = try BoundStatement(db.cachedStatement(sql: """
            INSERT INTO message (message_id, kind, from_her_id, to_her_id, function, msg_id, target_kind,
                                 target_her_id, target_queue, properties, body, state, next_attempt_at,
                                 accepted_at, expires_at, origin)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)
            """))
        insert.bind(message.messageId)
        insert.bind(message.kind.rawValue)
        insert.bind(message.fromHerId)
        insert.bind(message.toHerId)
        insert.bind(message.messageFunction)
        insert.bind(message.msgId)
        insert.bind(kind)
        insert.bind(herId)
        insert.bind(queue)
        insert.bind(blob: PropertiesCodec.encode(message.properties))
        insert.bind(blob: message.body)
        insert.bind(stamp)
        insert.bind(stamp)
        insert.bind(message.expiresAt.timeIntervalSince1970)
        insert.bind(message.origin.rawValue)
        try insert.execute()
        // No `accepted` row in `status`: the message's own `accepted_at` is that entry of its
        // history (`history(of:acceptedAt:sentAt:db:)`), which spares every acceptance an insert into two B-trees.
        return db.lastInsertedRowID
    }

    /// Appends a status to a message's history; a status already there stays as it was. A new
    /// one is announced to the sender when the sender follows the message over REST, and closes
    /// the conversation a request opened when it means no answer can come.
    /// - Parameter restSender: whether the message came over REST, when the caller knows (the
    ///   dispatcher does: looking it up for every message sent was 1.8 % of hubd's CPU in the
    ///   steady state); nil to have it looked up.
    static func appendStatus(
        _ status: MessageStatus, to id: Int64, at: Double, detail: String?, restSender: Bool? = nil, db: Database
    ) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO status (message, status, at, detail) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, status.rawValue, at, detail])
        if db.changesCount > 0 {
            if restSender != false { try announce(status, of: id, at: at, db: db) }
            try closeConversation(ofRequest: id, after: status, at: at, db: db)
        }
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    package func commitIngress(_ decisions: [IngressDecision], now: Date) async throws(StoreError) -> [IngressOutcome] {
        try await write("commit submissions") { db in
            var subscriptions: [EventSubscription]?
            return try decisions.map { decision in
                switch decision {
                case .accept(let message):
                    if let key = message.duplicateKey {
                        guard try Self.claim(key, heldBy: message, now: now, db: db) else {
                            if message.origin == .gateway { try Self.takeBack(message, now: now, db: db) }
                            return .duplicate
                        }
                    }
                    let id = try Self.insert(message, now: now, db: db)
                    if let link = message.conversation {
                        try Self.recordConversation(link, of: message, id: id, now: now, db: db)
                    }
                    let correlated = try message.correlation.map { try Self.correlate($0, receipt: id, now: now, db: db) }
                    return .accepted(id: id, correlated: correlated)
                case .reject(_, let notice, let acceptedKey):
                    // Accepted before (a redelivery after a registry change, say): nothing to answer.
                    if let acceptedKey, try Self.isClaimed(acceptedKey, db: db) { return .duplicate }
                    guard let notice else { return .rejected }
                    if let key = notice.duplicateKey {
                        guard try Self.claim(key, now: now, db: db) else { return .duplicate }
                    }
                    _ = try Self.insert(notice, now: now, db: db)
                    return .rejected
                case .deadLetter(let draft, let acceptedKey):
                    if let acceptedKey, try Self.isClaimed(acceptedKey, db: db) { return .duplicate }
                    if let key = draft.duplicateKey {
                        guard try Self.claim(key, now: now, db: db) else { return .duplicate }
                    }
                    try self.insertDeadLetter(draft, now: now, db: db)
                    return .deadLettered
                case .event(let draft):
                    return try Self.append(draft, subscriptions: &subscriptions, now: now, db: db)
                }
            }
        }
    }

    /// A message hubd sent to a party's queue that came back through gateway mode (the party
    /// moved to REST before reading it) is dispatched again, now over the party's REST channel.
    /// It was delivered once already: it gets at least the expiry of its return, so that the
    /// second hand-over cannot expire it (and tell its sender it failed).
    static func takeBack(_ message: NewMessage, now: Date, db: Database) throws {
        guard let msgId = message.msgId, let to = message.toHerId else { return }
        try db.cachedStatement(sql: """
            UPDATE message SET state = 'pending', next_attempt_at = ?, expires_at = MAX(expires_at, ?)
            WHERE msg_id = ? AND from_her_id = ? AND to_her_id = ? AND kind IN ('dialog', 'apprec')
              AND target_kind = 'async' AND state = 'sent'
            """).execute(arguments: [now.timeIntervalSince1970, message.expiresAt.timeIntervalSince1970, msgId, message.fromHerId, to])
    }

    /// Whether a message with this key was accepted before: the message holding it is still in
    /// the store (`heldKey`), or the key is in `duplicate_key` (every other kind of key, an
    /// accepted message's key from before migration `v13-msg-id-keys`, or one retention moved
    /// there with its message).
    static func isClaimed(_ key: DuplicateKey, db: Database) throws -> Bool {
        var query = try BoundStatement(db.cachedStatement(sql: keyIsClaimed))
        query.bind(key.acceptedMsgId)
        query.bind(key.senderHerId)
        query.bind(key.key)
        return try query.isTrue()
    }

    /// Whether the key `?2` (the sender), `?3` was claimed: by a kept message with the MsgId
    /// `?1` (NULL for keys no message holds), or by a key row.
    static let keyIsClaimed = """
        SELECT EXISTS (SELECT 1 FROM message WHERE msg_id = ?1 AND from_her_id = ?2 AND kind IN ('dialog', 'apprec'))
            OR EXISTS (SELECT 1 FROM duplicate_key WHERE from_her_id = ?2 AND key = ?3)
        """

    /// Records a duplicate key; false when it was there already. The one check of §2's last
    /// step: inside the batch's transaction, so a key seen twice in one batch counts too.
    ///
    /// A key that `holder`, which the caller inserts next, holds (`heldKey`) is not written:
    /// `message_by_msg_id` holds it. With the random MsgIds senders make, each key written was a
    /// leaf page of its own dirtied in every commit; retention writes the key to `duplicate_key`
    /// if it prunes the row first.
    static func claim(_ key: DuplicateKey, heldBy holder: NewMessage? = nil, now: Date, db: Database) throws -> Bool {
        if let holder, heldKey(kind: holder.kind, fromHerId: holder.fromHerId, msgId: holder.msgId) == key {
            return try !isClaimed(key, db: db)
        }
        try db.cachedStatement(sql: """
            INSERT INTO duplicate_key (from_her_id, key, accepted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [key.senderHerId, key.key, now.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// The duplicate key a message row holds, which `keyIsClaimed` finds by the row: a MsgHead's
    /// or AppRec's, by its sender and MsgId. Nil for every other row.
    static func heldKey(kind: MessageKind?, fromHerId: Int?, msgId: String?) -> DuplicateKey? {
        guard kind == .dialog || kind == .appRec, let fromHerId, let msgId else { return nil }
        return .accepted(senderHerId: fromHerId, msgId: msgId)
    }
}

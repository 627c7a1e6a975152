import Dialogs
import Foundation
import GRDB

extension SQLiteStore {
    package func replayDeadLetter(_ id: Int64, expiry: TimeInterval, submitQueue: String, now: Date) async throws(StoreError) -> ReplayOutcome {
        try await write("replay dead letter") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT message, message_id, from_her_id, to_her_id, function, properties, body, replayed_at
                FROM dead_letter WHERE id = ?
                """, arguments: [id]) else { return .notFound }
            if (row["replayed_at"] as Double?) != nil { return .alreadyReplayed }
            let stamp = now.timeIntervalSince1970
            try db.execute(sql: "UPDATE dead_letter SET replayed_at = ? WHERE id = ?", arguments: [stamp, id])
            if let message: Int64 = row["message"] {
                try db.execute(sql: """
                    UPDATE message SET state = 'pending', next_attempt_at = ?, expires_at = ?, last_error = NULL,
                                       attempts = 0
                    WHERE id = ?
                    """, arguments: [stamp, stamp + expiry, message])
                return .redispatched(messageId: row["message_id"])
            }
            let properties = try PropertiesCodec.decode(row["properties"] as Data)
            let messageId: String? = row["message_id"]
            // Checked again from the start: if it fails again, that is a new dead letter. Its key
            // was made from the submission as it came, which the row keeps.
            if let original = properties.messageId {
                let key = DuplicateKey.deadLetter(fromHeader: properties.headers[HeaderName.fromHerId], messageId: original)
                try db.execute(sql: "DELETE FROM duplicate_key WHERE from_her_id = ? AND key = ?", arguments: [key.senderHerId, key.key])
            }
            let body: Data = row["body"]
            try Self.insert(NewMessage(
                messageId: messageId ?? RandomID.make(), kind: .resubmission,
                fromHerId: HerId.parse(row["from_her_id"]), toHerId: HerId.parse(row["to_her_id"]),
                messageFunction: row["function"], msgId: nil, target: .queue(submitQueue),
                properties: properties, body: [UInt8](body), expiresAt: now.addingTimeInterval(expiry)), now: now, db: db)
            return .resubmitted(messageId: messageId)
        }
    }

    package func pendingDeadLetterIds(messageId: String?) async throws(StoreError) -> [Int64] {
        try await read("read dead letters") { db in
            if let messageId {
                return try Int64.fetchAll(db, sql: """
                    SELECT id FROM dead_letter WHERE replayed_at IS NULL AND message_id = ? ORDER BY id
                    """, arguments: [messageId])
            }
            return try Int64.fetchAll(db, sql: "SELECT id FROM dead_letter WHERE replayed_at IS NULL ORDER BY id")
        }
    }

    package func deadLetterExists(_ id: Int64) async throws(StoreError) -> Bool {
        try await read("read dead letters") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM dead_letter WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    package func deadLetters(limit: Int) async throws(StoreError) -> [DeadLetterRecord] {
        try await read("read dead letters") { db in
            try Row.fetchAll(db, sql: """
                SELECT id, message_id, from_her_id, to_her_id, function, reason, at FROM dead_letter
                WHERE replayed_at IS NULL ORDER BY id DESC LIMIT ?
                """, arguments: [limit]).reversed().map { row in
                DeadLetterRecord(
                    id: row["id"], messageId: row["message_id"], fromHerId: row["from_her_id"],
                    toHerId: row["to_her_id"], messageFunction: row["function"], reason: row["reason"],
                    at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }

    /// Keeps a dead letter and queues its copy for the dead-letter queue. The row keeps the
    /// submission whole, for a replay; the copy, for people to look at, carries its properties
    /// and headers made safe (`MessageProperties.forDeadLetterCopy`) plus the reason, which is
    /// masked here already because it is also what `hubd dead list` shows.
    func insertDeadLetter(_ draft: DeadLetterDraft, now: Date, db: Database) throws {
        let reason = NationalIdMask.mask(draft.reason)
        try db.cachedStatement(sql: """
            INSERT INTO dead_letter (message, message_id, from_her_id, to_her_id, function, reason, at, properties, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                draft.storedMessage, draft.messageId, draft.fromHerId, draft.toHerId, draft.messageFunction,
                reason, now.timeIntervalSince1970, PropertiesCodec.encode(draft.properties), Data(draft.body),
            ])
        try Self.insert(draft.copy(maskedReason: reason, queue: deadLetterQueue), now: now, db: db)
    }
}

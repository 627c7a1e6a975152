import Dialogs
import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Puts a dead letter back: a message that was accepted returns to dispatch with a fresh
    /// expiry and the same `message_id`; a submission that never passed the checks goes back to
    /// the submission queue, to be checked again. The row is locked, so two instances (or two
    /// operators) cannot replay it twice.
    package func replayDeadLetter(_ id: Int64, expiry: TimeInterval, submitQueue: String, now: Date) async throws(StoreError) -> ReplayOutcome {
        try await write("replay dead letter") { db in
            guard let row = try await db.record("""
                SELECT message, message_id, from_her_id, to_her_id, function, properties, body, replayed_at
                FROM dead_letter WHERE id = \(id) FOR UPDATE
                """, self.logger) else { return .notFound }
            if (try row["replayed_at"] as Double?) != nil { return .alreadyReplayed }
            let stamp = now.timeIntervalSince1970
            try await db.query("UPDATE dead_letter SET replayed_at = \(stamp) WHERE id = \(id)", logger: self.logger)
            let messageId: String? = try row["message_id"]
            if let message: Int64 = try row["message"] {
                try await db.query("""
                    UPDATE message SET state = 'pending', next_attempt_at = \(stamp), expires_at = \(stamp + expiry),
                                       last_error = NULL, attempts = 0, claimed_by = NULL, claim_until = NULL
                    WHERE id = \(message)
                    """, logger: self.logger)
                return .redispatched(messageId: messageId ?? "")
            }
            let properties = try PropertiesCodec.decode(try row["properties"] as Data)
            // Checked again from the start: if it fails again, that is a new dead letter. Its key
            // was made from the submission as it came, which the row keeps.
            if let original = properties.messageId {
                let key = DuplicateKey.deadLetter(fromHeader: properties.headers[HeaderName.fromHerId], messageId: original)
                try await db.query("""
                    DELETE FROM duplicate_key WHERE from_her_id = \(key.senderHerId) AND key = \(key.key)
                    """, logger: self.logger)
            }
            try await self.insert(NewMessage(
                messageId: messageId ?? RandomID.make(), kind: .resubmission,
                fromHerId: HerId.parse(try row["from_her_id"]), toHerId: HerId.parse(try row["to_her_id"]),
                messageFunction: try row["function"], msgId: nil, target: .queue(submitQueue),
                properties: properties, body: [UInt8](try row["body"] as Data), expiresAt: now.addingTimeInterval(expiry)),
                now: now, db: db)
            return .resubmitted(messageId: messageId)
        }
    }

    /// Ids of the dead letters not yet replayed, oldest first; with `messageId`, only those of
    /// that message (a message can be dead-lettered more than once, after a replay).
    package func pendingDeadLetterIds(messageId: String?) async throws(StoreError) -> [Int64] {
        try await read("read dead letters") { db in
            try await db.records("""
                SELECT id FROM dead_letter WHERE replayed_at IS NULL
                AND (\(messageId)::TEXT IS NULL OR message_id = \(messageId)) ORDER BY id
                """, self.logger).map { try $0["id"] }
        }
    }

    /// Whether a dead letter with this id exists (replayed or not).
    package func deadLetterExists(_ id: Int64) async throws(StoreError) -> Bool {
        try await read("read dead letters") { db in
            try await db.value("SELECT EXISTS (SELECT 1 FROM dead_letter WHERE id = \(id))", self.logger, as: Bool.self) ?? false
        }
    }

    /// Dead letters not yet replayed, newest last.
    package func deadLetters(limit: Int) async throws(StoreError) -> [DeadLetterRecord] {
        try await read("read dead letters") { db in
            try await db.records("""
                SELECT id, message_id, from_her_id, to_her_id, function, reason, at FROM dead_letter
                WHERE replayed_at IS NULL ORDER BY id DESC LIMIT \(limit)
                """, self.logger).reversed().map { row in
                DeadLetterRecord(
                    id: try row["id"], messageId: try row["message_id"], fromHerId: try row["from_her_id"],
                    toHerId: try row["to_her_id"], messageFunction: try row["function"], reason: try row["reason"],
                    at: Date(timeIntervalSince1970: try row["at"]))
            }
        }
    }

    /// Keeps a dead letter and queues its copy for the dead-letter queue, as the SQLite store
    /// does: the row keeps the submission whole; the copy carries safe properties and the
    /// (masked) reason.
    func insertDeadLetter(_ draft: DeadLetterDraft, now: Date, db: PostgresConnection) async throws {
        let reason = NationalIdMask.mask(draft.reason)
        try await db.query("""
            INSERT INTO dead_letter (message, message_id, from_her_id, to_her_id, function, reason, at, properties, body)
            VALUES (\(draft.storedMessage), \(draft.messageId), \(draft.fromHerId), \(draft.toHerId), \(draft.messageFunction),
                    \(reason), \(now.timeIntervalSince1970), \(PropertiesCodec.encode(draft.properties)), \(Data(draft.body)))
            """, logger: logger)
        try await insert(draft.copy(maskedReason: reason, queue: deadLetterQueue), now: now, db: db)
    }
}

import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Writes a batch of ingress decisions in one transaction: accepted messages with their
    /// `accepted` status, duplicate keys and conversations, error messages for senders, dead
    /// letters, events. A submission whose key was accepted before is dropped as a duplicate
    /// whatever else was decided about it, also when another instance accepted it: the key's
    /// primary key makes a second instance wait for the first one's commit and then find it.
    package func commitIngress(_ decisions: [IngressDecision], now: Date) async throws(StoreError) -> [IngressOutcome] {
        try await write("commit submissions") { db in
            // Locks in one order on every instance: an event batch takes the event lock before
            // any duplicate-key row or notification lock, so two batches never wait on each other
            // in a circle.
            if decisions.contains(where: { if case .event = $0 { true } else { false } }) {
                try await self.lock(.event, db: db)
            }
            var subscriptions: [EventSubscription]?
            var outcomes: [IngressOutcome] = []
            outcomes.reserveCapacity(decisions.count)
            // A run of acceptances, the usual batch, goes in a few statements for the whole run:
            // one round trip per row is what a PostgreSQL store pays most for.
            var run: [NewMessage] = []
            func acceptRun() async throws {
                guard !run.isEmpty else { return }
                outcomes += try await self.accept(run, now: now, db: db)
                run = []
            }
            for decision in decisions {
                if case .accept(let message) = decision {
                    run.append(message)
                } else {
                    try await acceptRun()
                    outcomes.append(try await self.commit(decision, subscriptions: &subscriptions, now: now, db: db))
                }
            }
            try await acceptRun()
            return outcomes
        }
    }

    /// Accepts consecutive messages in their order: the first of each duplicate key wins (also
    /// within the run), then the rest are inserted at once, each with its conversation and
    /// receipt correlation.
    private func accept(_ messages: [NewMessage], now: Date, db: PostgresConnection) async throws -> [IngressOutcome] {
        let keys = messages.compactMap(\.duplicateKey)
        var fresh: Set<DuplicateKey> = []
        if !keys.isEmpty {
            // An accepted message still kept is a duplicate after its key was pruned (as in
            // SQLite, where the row is the key): no key is written for it, so none is re-armed.
            for row in try await db.records("""
                INSERT INTO duplicate_key (from_her_id, key, accepted_at)
                SELECT sender, key, \(now.timeIntervalSince1970)
                FROM unnest(\(keys.map(\.senderHerId))::BIGINT[], \(keys.map(\.key))::TEXT[],
                            \(keys.map { $0.acceptedMsgId != nil })::BOOLEAN[],
                            \(keys.map { $0.acceptedMsgId ?? "" })::TEXT[]) AS k(sender, key, accepted, msg_id)
                WHERE NOT (k.accepted AND EXISTS (SELECT 1 FROM message m WHERE m.msg_id = k.msg_id AND m.from_her_id = k.sender
                                                                         AND m.kind IN ('dialog', 'apprec')))
                ON CONFLICT DO NOTHING RETURNING from_her_id, key
                """, logger) {
                fresh.insert(DuplicateKey(senderHerId: try row["from_her_id"], key: try row["key"]))
            }
        }
        var taken: [NewMessage] = []
        var outcomes: [IngressOutcome?] = []
        for message in messages {
            // A key inserted now belongs to the first message that has it; a later one with the
            // same key in this run is a duplicate, as is every one whose key was there before.
            if let key = message.duplicateKey, fresh.remove(key) == nil {
                if message.origin == .gateway { try await takeBack(message, now: now, db: db) }
                outcomes.append(.duplicate)
            } else {
                taken.append(message)
                outcomes.append(nil)
            }
        }
        var ids = try await insert(taken, now: now, db: db).makeIterator()
        var results: [IngressOutcome] = []
        results.reserveCapacity(messages.count)
        for (message, outcome) in zip(messages, outcomes) {
            if let outcome {
                results.append(outcome)
                continue
            }
            guard let id = ids.next() else { throw CorruptRecord("the database returned fewer ids than messages inserted") }
            if let link = message.conversation {
                try await recordConversation(link, of: message, id: id, now: now, db: db)
            }
            var correlated: Bool?
            if let correlation = message.correlation {
                correlated = try await correlate(correlation, receipt: id, now: now, db: db)
            }
            results.append(.accepted(id: id, correlated: correlated))
        }
        return results
    }

    private func commit(
        _ decision: IngressDecision, subscriptions: inout [EventSubscription]?, now: Date, db: PostgresConnection
    ) async throws -> IngressOutcome {
        switch decision {
        case .accept(let message):
            // commitIngress hands runs of acceptances to accept(_:now:db:) directly.
            return try await accept([message], now: now, db: db)[0]
        case .reject(_, let notice, let acceptedKey):
            if let acceptedKey, try await isClaimed(acceptedKey, db: db) { return .duplicate }
            guard let notice else { return .rejected }
            if let key = notice.duplicateKey {
                guard try await claim(key, now: now, db: db) else { return .duplicate }
            }
            try await insert(notice, now: now, db: db)
            return .rejected
        case .deadLetter(let draft, let acceptedKey):
            if let acceptedKey, try await isClaimed(acceptedKey, db: db) { return .duplicate }
            if let key = draft.duplicateKey {
                guard try await claim(key, now: now, db: db) else { return .duplicate }
            }
            try await insertDeadLetter(draft, now: now, db: db)
            return .deadLettered
        case .event(let draft):
            return try await append(draft, subscriptions: &subscriptions, now: now, db: db)
        }
    }

    /// A message hubd sent to a party's queue that came back through gateway mode is dispatched
    /// again over the party's REST channel, with at least the expiry of its return (as in SQLite).
    private func takeBack(_ message: NewMessage, now: Date, db: PostgresConnection) async throws {
        guard let msgId = message.msgId, let to = message.toHerId else { return }
        try await db.query("""
            UPDATE message SET state = 'pending', next_attempt_at = \(now.timeIntervalSince1970),
                   expires_at = GREATEST(expires_at, \(message.expiresAt.timeIntervalSince1970))
            WHERE msg_id = \(msgId) AND from_her_id = \(message.fromHerId) AND to_her_id = \(to)
              AND kind IN ('dialog', 'apprec') AND target_kind = 'async' AND state = 'sent'
            """, logger: logger)
    }

    /// Whether a message with this key was accepted before: its key is there, or the message is
    /// still kept after its key was pruned (as in SQLite, where the row is the key).
    private func isClaimed(_ key: DuplicateKey, db: PostgresConnection) async throws -> Bool {
        try await db.value("""
            SELECT EXISTS (SELECT 1 FROM duplicate_key WHERE from_her_id = \(key.senderHerId) AND key = \(key.key))
                OR EXISTS (SELECT 1 FROM message WHERE msg_id = \(key.acceptedMsgId) AND from_her_id = \(key.senderHerId)
                                                   AND kind IN ('dialog', 'apprec'))
            """, logger, as: Bool.self) ?? false
    }

    /// Records a duplicate key; false when it was there already (committed by any instance, or
    /// earlier in this batch).
    func claim(_ key: DuplicateKey, now: Date, db: PostgresConnection) async throws -> Bool {
        try await db.run("""
            INSERT INTO duplicate_key (from_her_id, key, accepted_at)
            VALUES (\(key.senderHerId), \(key.key), \(now.timeIntervalSince1970))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger) > 0
    }
}

import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// How far back `pendingTargets(afterId:)` reads again: ids are handed out when a row is
    /// inserted, but instances commit in their own order, so a row with a lower id than one
    /// already seen can still appear. A row later than that is found by the dispatcher's full
    /// scan (every 10 s).
    static let lateCommitWindow: Int64 = 2000

    /// The targets of pending messages with an id above `afterId` (less the late-commit
    /// window), and the highest id seen. With `afterId` 0 it reads every pending message's target.
    package func pendingTargets(afterId: Int64) async throws(StoreError) -> (targets: Set<DeliveryTarget>, highestId: Int64) {
        try await read("read pending targets") { db in
            var targets: Set<DeliveryTarget> = []
            let from = afterId > 0 ? max(0, afterId - Self.lateCommitWindow) : 0
            for row in try await db.records("""
                SELECT DISTINCT target_kind, target_her_id, target_queue FROM message
                WHERE state = 'pending' AND id > \(from)
                """, self.logger) {
                targets.insert(try Self.target(row))
            }
            let highest = try await db.value("SELECT COALESCE(MAX(id), 0)::BIGINT FROM message", self.logger, as: Int64.self) ?? 0
            return (targets, max(highest, afterId))
        }
    }

    /// Claims the pending messages of one target due by `now`, oldest due first: at most
    /// `limit`, and stopping once their bodies pass `maxBytes`. A claim keeps every other
    /// instance off the message for `claimLease` seconds, or until `recordDispatch`; rows
    /// another instance has claimed, or is claiming right now, are skipped.
    package func dueMessages(for target: DeliveryTarget, now: Date, limit: Int, maxBytes: Int) async throws(StoreError) -> [DueMessage] {
        try await write("claim due messages", announce: false) { db in
            let stamp = now.timeIntervalSince1970
            var binds = PostgresBindings()
            binds.append(stamp)
            binds.append(limit)
            binds.append(self.instance)
            binds.append(stamp + self.claimLease)
            let lane = Self.laneCondition(target, binds: &binds)
            var due = try await db.records(PostgresQuery(unsafeSQL: """
                WITH due AS (
                    SELECT id FROM message
                    WHERE \(lane) AND state = 'pending' AND next_attempt_at <= $1
                      AND (claim_until IS NULL OR claim_until <= $1)
                    ORDER BY next_attempt_at, id LIMIT $2
                    FOR UPDATE SKIP LOCKED)
                UPDATE message m SET claimed_by = $3, claim_until = $4
                FROM due WHERE m.id = due.id
                RETURNING m.id, m.message_id, m.kind, m.from_her_id, m.to_her_id, m.function, m.target_kind,
                          m.target_her_id, m.target_queue, m.properties, m.body, m.attempts, m.accepted_at,
                          m.expires_at, m.origin, m.next_attempt_at
                """, binds: binds), self.logger
            ).map { row in (order: (try row["next_attempt_at"] as Double, try row["id"] as Int64), message: try Self.dueMessage(row)) }
            // RETURNING keeps no order.
            due.sort { $0.order < $1.order }
            var taken: [DueMessage] = []
            var bytes = 0
            for entry in due where bytes < maxBytes {
                bytes += entry.message.body.count
                taken.append(entry.message)
            }
            let released = due.dropFirst(taken.count).map(\.message.id)
            if !released.isEmpty {
                try await db.query("""
                    UPDATE message SET claimed_by = NULL, claim_until = NULL WHERE id = ANY(\(released))
                    """, logger: self.logger)
            }
            return taken
        }
    }

    /// A third of the lease: two renewals may fail (a slow or lost connection) before a batch's
    /// claims lapse.
    package var claimRenewal: TimeInterval? { claimLease / 3 }

    package func renewClaims(_ ids: [Int64], now: Date) async throws(StoreError) {
        guard !ids.isEmpty else { return }
        try await write("renew claims", announce: false) { db in
            try await db.query("""
                UPDATE message SET claim_until = \(now.timeIntervalSince1970 + self.claimLease)
                WHERE id = ANY(\(ids)) AND claimed_by = \(self.instance) AND state = 'pending'
                """, logger: self.logger)
        }
    }

    /// When the first pending message of `target` falls due, or its claim lapses if another
    /// instance holds it; nil when the target has none pending.
    package func nextDueTime(for target: DeliveryTarget) async throws(StoreError) -> Date? {
        try await read("read next due time") { db in
            var binds = PostgresBindings()
            let lane = Self.laneCondition(target, binds: &binds)
            return try await db.value(PostgresQuery(unsafeSQL: """
                SELECT GREATEST(next_attempt_at, COALESCE(claim_until, 0)) FROM message
                WHERE \(lane) AND state = 'pending' ORDER BY next_attempt_at LIMIT 1
                """, binds: binds), self.logger, as: Double.self
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    /// The SQL that picks one lane (the lane index's leading columns), its values appended to
    /// `binds` and named by their positions there.
    static func laneCondition(_ target: DeliveryTarget, binds: inout PostgresBindings) -> String {
        switch target {
        case .partyAsync(let herId):
            binds.append(herId)
            return "target_kind = 'async' AND target_her_id = $\(binds.count) AND target_queue IS NULL"
        case .partyError(let herId):
            binds.append(herId)
            return "target_kind = 'error' AND target_her_id = $\(binds.count) AND target_queue IS NULL"
        case .queue(let name):
            binds.append(name)
            return "target_kind = 'queue' AND target_her_id IS NULL AND target_queue = $\(binds.count)"
        }
    }

    /// Records the outcome of a dispatch batch in one transaction; every outcome ends the claim.
    ///
    /// Only a sent message is recorded whoever holds it now: it was sent, whatever else happens.
    /// Any other outcome counts only while no other instance holds the message, and while it is
    /// still pending: when its lease lapsed during the attempt and another instance claimed it,
    /// that instance is sending it again and decides (clearing its claim here would let a third
    /// attempt start), and once that one has recorded it sent, a late failure must not turn a
    /// delivered message into a failed one, a dead letter and an error to its sender.
    package func recordDispatch(_ results: [DispatchResult], now: Date) async throws(StoreError) {
        try await write("record dispatch outcomes") { db in
            let stamp = now.timeIntervalSince1970
            var sent: [(id: Int64, announced: Bool)] = []
            for result in results {
                switch result {
                case .sent(let id, let announced, _):
                    // Recorded together after the rest: outcomes of one batch concern different
                    // messages, so their order does not matter.
                    sent.append((id, announced))
                case .madeAvailable(let id):
                    let moved = try await db.run("""
                        UPDATE message SET state = 'available', attempts = attempts + 1, next_attempt_at = NULL,
                               last_error = NULL, claimed_by = NULL, claim_until = NULL
                        WHERE id = \(id) AND state = 'pending' AND (claimed_by IS NULL OR claimed_by = \(self.instance)) RETURNING 1
                        """, self.logger)
                    if moved > 0 { try await self.announceNewMessage(id, at: stamp, db: db) }
                case .retry(let id, let error, let next):
                    try await db.query("""
                        UPDATE message SET attempts = attempts + 1, next_attempt_at = \(next.timeIntervalSince1970),
                               last_error = \(error), claimed_by = NULL, claim_until = NULL
                        WHERE id = \(id) AND state = 'pending' AND (claimed_by IS NULL OR claimed_by = \(self.instance))
                        """, logger: self.logger)
                case .givenUp(let id, let status, let reason, let draft, let notice):
                    let ended = try await db.run("""
                        UPDATE message SET state = \(status.rawValue), next_attempt_at = NULL, last_error = \(reason),
                               claimed_by = NULL, claim_until = NULL
                        WHERE id = \(id) AND state = 'pending' AND (claimed_by IS NULL OR claimed_by = \(self.instance)) RETURNING 1
                        """, self.logger)
                    guard ended > 0 else { continue }
                    try await self.appendStatus(status, to: [id], at: stamp, detail: reason, db: db)
                    if let draft { try await self.insertDeadLetter(draft, now: now, db: db) }
                    if let notice { try await self.insert(notice, now: now, db: db) }
                }
            }
            try await self.recordSent(sent, at: stamp, db: db)
        }
    }

    /// Marks messages sent: their state in one statement, their status in the next (which also
    /// tells the REST senders among them), then the new-message notices of inbox deliveries.
    private func recordSent(_ sent: [(id: Int64, announced: Bool)], at stamp: Double, db: PostgresConnection) async throws {
        guard !sent.isEmpty else { return }
        let ids = sent.map(\.id)
        try await db.query("""
            UPDATE message SET state = 'sent', attempts = attempts + 1, next_attempt_at = NULL,
                   last_error = NULL, claimed_by = NULL, claim_until = NULL WHERE id = ANY(\(ids))
            """, logger: logger)
        try await appendStatus(.sent, to: ids, at: stamp, detail: nil, db: db)
        for (id, announced) in sent where announced {
            try await announceNewMessage(id, at: stamp, db: db)
        }
    }

    static func target(_ row: PostgresRecord) throws -> DeliveryTarget {
        switch try row["target_kind"] as String {
        case "async": .partyAsync(herId: try row["target_her_id"])
        case "error": .partyError(herId: try row["target_her_id"])
        default: .queue(try row["target_queue"] ?? "")
        }
    }

    /// A due message from its row. Properties that do not read back make a message marked
    /// damaged rather than an error, so one bad row cannot stop every lane.
    static func dueMessage(_ row: PostgresRecord) throws -> DueMessage {
        let messageId: String = try row["message_id"]
        var message = DueMessage(
            id: try row["id"], messageId: messageId, kind: MessageKind(rawValue: try row["kind"]) ?? .dialog,
            fromHerId: try row["from_her_id"], toHerId: try row["to_her_id"], messageFunction: try row["function"],
            target: try target(row), properties: MessageProperties(messageId: messageId),
            body: [UInt8](try row["body"] as Data), attempts: try row["attempts"],
            acceptedAt: Date(timeIntervalSince1970: try row["accepted_at"]),
            expiresAt: Date(timeIntervalSince1970: try row["expires_at"]),
            origin: SubmissionOrigin(rawValue: try row["origin"]) ?? .amqp)
        do {
            message.properties = try PropertiesCodec.decode(try row["properties"] as Data)
        } catch {
            message.damage = "\(error)"
        }
        return message
    }
}

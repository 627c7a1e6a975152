import Foundation
import GRDB

extension SQLiteStore {
    package func pendingTargets(afterId: Int64) async throws(StoreError) -> (targets: Set<DeliveryTarget>, highestId: Int64) {
        try await read("read pending targets") { db in try Self.pendingTargets(afterId: afterId, db: db) }
    }

    package func dueMessages(for target: DeliveryTarget, now: Date, limit: Int, maxBytes: Int) async throws(StoreError) -> [DueMessage] {
        try await read("read due messages") { db in
            try Self.dueMessages(for: target, now: now, limit: limit, maxBytes: maxBytes, skipping: [], db: db)
        }
    }

    package func collectDue(
        afterId: Int64, now: Date, limit: Int, maxBytes: Int, skipping: Set<Int64>,
        plan: @escaping @Sendable (_ targets: Set<DeliveryTarget>, _ highestId: Int64) -> [DeliveryTarget]
    ) async throws(StoreError) -> DueBatch {
        try await read("read due messages") { db in
            let found = try Self.pendingTargets(afterId: afterId, db: db)
            var batch = DueBatch(limit: limit, maxBytes: maxBytes)
            for target in plan(found.targets, found.highestId) where batch.hasRoom {
                batch.add(try Self.dueMessages(
                    for: target, now: now, limit: batch.remainingCount, maxBytes: batch.remainingBytes, skipping: skipping, db: db))
            }
            return batch
        }
    }

    /// Only the serving hubd dispatches from an SQLite store.
    package var handsOffCommits: Bool { true }

    /// With `afterId` 0, from the lane index alone.
    private static func pendingTargets(afterId: Int64, db: Database) throws -> (targets: Set<DeliveryTarget>, highestId: Int64) {
        let rows = try Row.fetchCursor(afterId > 0
            ? db.cachedStatement(sql: """
                SELECT target_kind, target_her_id, target_queue FROM message WHERE id > ? AND state = 'pending'
                """)
            : db.cachedStatement(sql: """
                SELECT DISTINCT target_kind, target_her_id, target_queue FROM message INDEXED BY message_lane
                WHERE state = 'pending'
                """), arguments: afterId > 0 ? [afterId] : [])
        var targets: Set<DeliveryTarget> = []
        while let row = try rows.next() { targets.insert(Self.target(row)) }
        // Every row up to the newest in this read was looked at, pending or not: messages sent
        // from memory (`CommitHandOff`) are never pending when a look comes by, and the next
        // look must not read them again.
        let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM message")) ?? 0
        return (targets, max(highest, afterId))
    }

    /// Rows in `skipping` are passed over before their columns are read.
    private static func dueMessages(
        for target: DeliveryTarget, now: Date, limit: Int, maxBytes: Int, skipping: Set<Int64>, db: Database
    ) throws -> [DueMessage] {
        let (condition, argument) = Self.laneCondition(target)
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: """
                SELECT id, message_id, kind, from_her_id, to_her_id, function, target_kind, target_her_id,
                       target_queue, properties, body, attempts, accepted_at, expires_at, origin
                FROM message INDEXED BY message_lane
                WHERE \(condition) AND state = 'pending' AND next_attempt_at <= ?
                ORDER BY next_attempt_at, id LIMIT ?
                """),
            arguments: [argument, now.timeIntervalSince1970, limit + skipping.count])
        var due: [DueMessage] = []
        var bytes = 0
        while due.count < limit, bytes < maxBytes, let row = try rows.next() {
            if !skipping.isEmpty, skipping.contains(row["id"]) { continue }
            let message = Self.dueMessage(row)
            bytes += message.body.count
            due.append(message)
        }
        return due
    }

    package func nextDueTime(for target: DeliveryTarget) async throws(StoreError) -> Date? {
        try await read("read next due time") { db in
            let (condition, argument) = Self.laneCondition(target)
            return try Double.fetchOne(
                db.cachedStatement(sql: """
                    SELECT next_attempt_at FROM message INDEXED BY message_lane
                    WHERE \(condition) AND state = 'pending' ORDER BY next_attempt_at LIMIT 1
                    """),
                arguments: [argument]
            ).map(Date.init(timeIntervalSince1970:))
        }
    }

    static func laneCondition(_ target: DeliveryTarget) -> (String, any DatabaseValueConvertible) {
        switch target {
        case .partyAsync(let herId): ("target_kind = 'async' AND target_her_id = ? AND target_queue IS NULL", herId)
        case .partyError(let herId): ("target_kind = 'error' AND target_her_id = ? AND target_queue IS NULL", herId)
        case .queue(let name): ("target_kind = 'queue' AND target_her_id IS NULL AND target_queue = ?", name)
        }
    }

    package func recordDispatch(_ results: [DispatchResult], now: Date) async throws(StoreError) {
        try await write("record dispatch outcomes", sync: Self.commitSync(for: results)) { db in
            let stamp = now.timeIntervalSince1970
            for result in results {
                switch result {
                case .sent(let id, let announced, let restSender):
                    // Only a sender following the message over REST hears of it, the first time.
                    let tell = try restSender != false && Self.isFirstSending(id, db: db)
                    var update = try BoundStatement(db.cachedStatement(sql: """
                        UPDATE message SET state = 'sent', attempts = attempts + 1, next_attempt_at = NULL,
                               last_error = NULL, sent_at = COALESCE(sent_at, ?) WHERE id = ?
                        """))
                    update.bind(stamp)
                    update.bind(id)
                    try update.execute()
                    if tell { try Self.announce(.sent, of: id, at: stamp, db: db) }
                    if announced { try Self.announceNewMessage(id, at: stamp, db: db) }
                case .madeAvailable(let id):
                    try db.cachedStatement(sql: """
                        UPDATE message SET state = 'available', attempts = attempts + 1, next_attempt_at = NULL,
                               last_error = NULL WHERE id = ? AND state = 'pending'
                        """).execute(arguments: [id])
                    if db.changesCount > 0 { try Self.announceNewMessage(id, at: stamp, db: db) }
                case .retry(let id, let error, let next):
                    try db.cachedStatement(sql: """
                        UPDATE message SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?
                        """).execute(arguments: [next.timeIntervalSince1970, error, id])
                case .givenUp(let id, let status, let reason, let draft, let notice):
                    try db.cachedStatement(sql: """
                        UPDATE message SET state = ?, next_attempt_at = NULL, last_error = ? WHERE id = ?
                        """).execute(arguments: [status.rawValue, reason, id])
                    try Self.appendStatus(status, to: id, at: stamp, detail: reason, db: db)
                    if let draft { try self.insertDeadLetter(draft, now: now, db: db) }
                    if let notice { _ = try Self.insert(notice, now: now, db: db) }
                }
            }
        }
    }

    /// Whether recording `sent` for message `id` now is its first: a message sent again (one
    /// that came back through gateway mode) keeps the time it was first sent, in `sent_at`
    /// or, when it was first sent before migration `v14-sent-in-row`, in a `status` row.
    static func isFirstSending(_ id: Int64, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT sent_at IS NULL AND NOT EXISTS (SELECT 1 FROM status WHERE message = :id AND status = 'sent')
            FROM message WHERE id = :id
            """), arguments: ["id": id]) ?? false
    }

    /// Deferred when the outcomes only say that messages went out to a queue (or will be tried
    /// again) and nobody follows them over REST: losing such a commit to a power cut sends the
    /// messages again. Anything a party is told of (a notification, whose position must never
    /// be handed out twice), a dead letter or an error message to a sender waits for the disk.
    /// At 2,700 msg/s this left out a fifth of hubd's `fdatasync` calls (docs/performance.md).
    static func commitSync(for results: [DispatchResult]) -> CommitSync {
        let quiet = results.allSatisfy { result in
            switch result {
            case .sent(_, let announced, let restSender): !announced && restSender == false
            case .retry: true
            case .madeAvailable, .givenUp: false
            }
        }
        return quiet ? .deferred : .full
    }

    static func target(_ row: Row) -> DeliveryTarget {
        let targetKind: String = row["target_kind"]
        switch targetKind {
        case "async": return .partyAsync(herId: row["target_her_id"])
        case "error": return .partyError(herId: row["target_her_id"])
        default: return .queue(row["target_queue"] ?? "")
        }
    }

    /// A due message from its row. Properties that do not read back make a message marked
    /// damaged rather than an error, so one bad row cannot stop every lane.
    static func dueMessage(_ row: Row) -> DueMessage {
        let target = target(row)
        let body: Data = row["body"]
        var message = DueMessage(
            id: row["id"], messageId: row["message_id"], kind: MessageKind(rawValue: row["kind"]) ?? .dialog,
            fromHerId: row["from_her_id"], toHerId: row["to_her_id"], messageFunction: row["function"],
            target: target, properties: MessageProperties(messageId: row["message_id"]),
            body: [UInt8](body), attempts: row["attempts"],
            acceptedAt: Date(timeIntervalSince1970: row["accepted_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
            origin: SubmissionOrigin(rawValue: row["origin"]) ?? .amqp)
        do {
            message.properties = try PropertiesCodec.decode(row["properties"] as Data)
        } catch {
            message.damage = "\(error)"
        }
        return message
    }
}

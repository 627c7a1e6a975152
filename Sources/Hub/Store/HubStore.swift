import AddressRegistry
import Foundation
import GRDB

/// The hub's durable state in one SQLite file (WAL, `synchronous=FULL`): the outbox of messages
/// to send, their status histories, duplicate keys, dead letters and the registry copy.
///
/// Every method that changes state runs in one transaction, so a crash leaves either all of a
/// batch or none of it; ingress acknowledges submissions only after `commitIngress` returns.
package final class HubStore: Sendable {
    private let pool: DatabasePool
    package let path: String
    /// The queue dead letters are copied to.
    package let deadLetterQueue: String

    /// Opens (creating when missing) the store at `path` and brings its schema up to date.
    package init(path: String, deadLetterQueue: String = "hubd.dead") throws {
        self.path = path
        self.deadLetterQueue = deadLetterQueue
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            // DatabasePool turns on WAL with synchronous=NORMAL, which may lose the last commits
            // on power loss; an acknowledged submission must survive that, so FULL it is.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try StoreSchema.migrator.migrate(pool)
        } catch {
            throw StoreError("open \(path)", Self.describe(error))
        }
    }

    // MARK: Ingress

    /// Writes a batch of ingress decisions in one transaction: accepted messages with their
    /// `accepted` status and duplicate keys, error messages for senders, dead letters.
    package func commitIngress(_ decisions: [IngressDecision], now: Date) async throws -> [IngressOutcome] {
        try await write("commit submissions") { db in
            try decisions.map { decision in
                switch decision {
                case .accept(let message):
                    if let key = message.duplicateKey {
                        guard try Self.claim(key, now: now, db: db) else { return .duplicate }
                    }
                    let id = try Self.insert(message, now: now, db: db)
                    let correlated = try message.correlation.map { try Self.correlate($0, now: now, db: db) }
                    return .accepted(id: id, correlated: correlated)
                case .reject(_, let notice):
                    if let key = notice.duplicateKey {
                        guard try Self.claim(key, now: now, db: db) else { return .duplicate }
                    }
                    _ = try Self.insert(notice, now: now, db: db)
                    return .rejected
                case .deadLetter(let draft):
                    if let key = draft.duplicateKey {
                        guard try Self.claim(key, now: now, db: db) else { return .duplicate }
                    }
                    try self.insertDeadLetter(draft, now: now, db: db)
                    return .deadLettered
                }
            }
        }
    }

    // MARK: Dispatch

    /// The targets of pending messages with an id above `afterId`, and the highest id seen:
    /// how the dispatcher learns of new lanes by reading only the rows added since it last looked.
    /// With `afterId` 0 it reads every pending message's target, from the lane index alone.
    package func pendingTargets(afterId: Int64) async throws -> (targets: Set<DeliveryTarget>, highestId: Int64) {
        try await read("read pending targets") { db in
            var targets: Set<DeliveryTarget> = []
            guard afterId > 0 else {
                let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                    SELECT DISTINCT target_kind, target_her_id, target_queue FROM message INDEXED BY message_lane
                    WHERE state = 'pending'
                    """))
                while let row = try rows.next() { targets.insert(Self.target(row)) }
                let highest = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM message") ?? 0
                return (targets, highest)
            }
            var highest = afterId
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT id, target_kind, target_her_id, target_queue FROM message
                WHERE id > ? AND state = 'pending'
                """), arguments: [afterId])
            while let row = try rows.next() {
                highest = max(highest, row["id"])
                targets.insert(Self.target(row))
            }
            return (targets, highest)
        }
    }

    /// Pending messages of one target due by `now`, oldest due first: at most `limit`, and
    /// stopping once their bodies pass `maxBytes` (at least one is returned when any is due).
    package func dueMessages(for target: DeliveryTarget, now: Date, limit: Int, maxBytes: Int = .max) async throws -> [DueMessage] {
        try await read("read due messages") { db in
            let (condition, argument) = Self.laneCondition(target)
            let rows = try Row.fetchCursor(
                db.cachedStatement(sql: """
                    SELECT id, message_id, kind, from_her_id, to_her_id, function, target_kind, target_her_id,
                           target_queue, properties, body, attempts, accepted_at, expires_at
                    FROM message INDEXED BY message_lane
                    WHERE \(condition) AND state = 'pending' AND next_attempt_at <= ?
                    ORDER BY next_attempt_at, id LIMIT ?
                    """),
                arguments: [argument, now.timeIntervalSince1970, limit])
            var due: [DueMessage] = []
            var bytes = 0
            while bytes < maxBytes, let row = try rows.next() {
                let message = try Self.dueMessage(row)
                bytes += message.body.count
                due.append(message)
            }
            return due
        }
    }

    /// When the next pending message of `target` falls due; nil when it has none pending.
    package func nextDueTime(for target: DeliveryTarget) async throws -> Date? {
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

    private static func laneCondition(_ target: DeliveryTarget) -> (String, any DatabaseValueConvertible) {
        switch target {
        case .partyAsync(let herId): ("target_kind = 'async' AND target_her_id = ? AND target_queue IS NULL", herId)
        case .partyError(let herId): ("target_kind = 'error' AND target_her_id = ? AND target_queue IS NULL", herId)
        case .queue(let name): ("target_kind = 'queue' AND target_her_id IS NULL AND target_queue = ?", name)
        }
    }

    /// Records the outcome of a dispatch batch in one transaction.
    package func recordDispatch(_ results: [DispatchResult], now: Date) async throws {
        try await write("record dispatch outcomes") { db in
            let stamp = now.timeIntervalSince1970
            for result in results {
                switch result {
                case .sent(let id):
                    try db.cachedStatement(sql: """
                        UPDATE message SET state = 'sent', attempts = attempts + 1, next_attempt_at = NULL,
                               last_error = NULL WHERE id = ?
                        """).execute(arguments: [id])
                    try Self.appendStatus(.sent, to: id, at: stamp, detail: nil, db: db)
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

    // MARK: Dead letters and retention

    /// Puts a dead letter back: a message that was accepted returns to dispatch with a fresh
    /// expiry and the same `message_id`; a submission that never passed the checks goes back to
    /// the submission queue, to be checked again.
    package func replayDeadLetter(_ id: Int64, expiry: TimeInterval, submitQueue: String, now: Date) async throws -> ReplayOutcome {
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
            var properties = try PropertiesCodec.decode(row["properties"] as Data)
            properties.headers[HeaderName.deadLetterReason] = nil
            let messageId: String? = row["message_id"]
            // Checked again from the start: if it fails again, that is a new dead letter.
            if let messageId {
                let key = DuplicateKey.deadLetter(fromHeader: row["from_her_id"], messageId: messageId)
                try db.execute(sql: "DELETE FROM duplicate_key WHERE from_her_id = ? AND key = ?", arguments: [key.senderHerId, key.key])
            }
            let body: Data = row["body"]
            try Self.insert(NewMessage(
                messageId: messageId ?? UUID().uuidString.lowercased(), kind: .resubmission,
                fromHerId: (row["from_her_id"] as String?).flatMap { Int($0) },
                toHerId: (row["to_her_id"] as String?).flatMap { Int($0) },
                messageFunction: row["function"], msgId: nil, target: .queue(submitQueue),
                properties: properties, body: [UInt8](body), expiresAt: now.addingTimeInterval(expiry)), now: now, db: db)
            return .resubmitted(messageId: messageId)
        }
    }

    /// Ids of the dead letters not yet replayed, oldest first.
    package func pendingDeadLetterIds() async throws -> [Int64] {
        try await read("read dead letters") { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM dead_letter WHERE replayed_at IS NULL ORDER BY id")
        }
    }

    /// Forgets what can no longer matter, so the store does not grow without bound: duplicate
    /// keys accepted before `duplicateKeysBefore`, and finished messages (sent, expired, failed)
    /// accepted before `messagesBefore`, unless a dead letter still waits for their replay.
    /// Deletes in slices so no transaction holds the writer for long. Returns rows removed.
    @discardableResult
    package func prune(duplicateKeysBefore: Date, messagesBefore: Date) async throws -> Int {
        var removed = 0
        while true {
            let count = try await write("prune") { db in
                try db.execute(sql: """
                    DELETE FROM duplicate_key WHERE (from_her_id, key) IN (
                        SELECT from_her_id, key FROM duplicate_key WHERE accepted_at < ? LIMIT 5000)
                    """, arguments: [duplicateKeysBefore.timeIntervalSince1970])
                var changes = db.changesCount
                try db.execute(sql: """
                    DELETE FROM message WHERE id IN (
                        SELECT id FROM message WHERE state != 'pending' AND accepted_at < ?
                        AND id NOT IN (SELECT message FROM dead_letter WHERE message IS NOT NULL AND replayed_at IS NULL)
                        LIMIT 5000)
                    """, arguments: [messagesBefore.timeIntervalSince1970])
                changes += db.changesCount
                return changes
            }
            removed += count
            if count == 0 { return removed }
        }
    }

    // MARK: Reports

    /// The messages with this `message_id` (or, failing that, this MsgHead `MsgId`), with histories.
    package func reports(for identifier: String) async throws -> [MessageReport] {
        try await read("read status") { db in
            var rows = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE message_id = ? ORDER BY id", arguments: [identifier])
            if rows.isEmpty {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE msg_id = ? ORDER BY id", arguments: [identifier])
            }
            return try rows.map { row in
                let id: Int64 = row["id"]
                let history = try Row.fetchAll(
                    db, sql: "SELECT status, at, detail FROM status WHERE message = ? ORDER BY at, rowid",
                    arguments: [id]
                ).compactMap { entry -> StatusEntry? in
                    guard let status = MessageStatus(rawValue: entry["status"]) else { return nil }
                    return StatusEntry(status: status, at: Date(timeIntervalSince1970: entry["at"]), detail: entry["detail"])
                }
                return MessageReport(
                    id: id, messageId: row["message_id"], kind: MessageKind(rawValue: row["kind"]) ?? .dialog,
                    fromHerId: row["from_her_id"], toHerId: row["to_her_id"], messageFunction: row["function"],
                    msgId: row["msg_id"], state: row["state"], attempts: row["attempts"],
                    nextAttemptAt: (row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastError: row["last_error"],
                    acceptedAt: Date(timeIntervalSince1970: row["accepted_at"]),
                    expiresAt: Date(timeIntervalSince1970: row["expires_at"]),
                    history: history)
            }
        }
    }

    /// Dead letters not yet replayed, newest last.
    package func deadLetters(limit: Int = 1000) async throws -> [DeadLetterRecord] {
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

    /// How many messages wait to be sent (counted from the lane index, which holds only those).
    package func pendingCount() async throws -> Int {
        try await read("count pending messages") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message INDEXED BY message_lane WHERE state = 'pending'") ?? 0
        }
    }

    /// Counts of messages by state, for logs and readiness.
    package func stateCounts() async throws -> [String: Int] {
        try await read("count messages") { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM message GROUP BY state") {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }

    // MARK: Registry

    /// Replaces the registry copy atomically and bumps its version, so a running hub reloads it.
    package func replaceRegistry(_ entries: [RegistryEntry], source: String, now: Date) async throws {
        try await write("import registry") { db in
            try db.execute(sql: "DELETE FROM party")
            let insert = try db.makeStatement(sql: "INSERT INTO party (her_id, document) VALUES (?, ?)")
            for entry in entries {
                try insert.execute(arguments: [entry.party.herId, entry.document])
            }
            try db.execute(sql: """
                INSERT INTO registry_state (id, version, imported_at, source) VALUES (1, 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET version = version + 1, imported_at = excluded.imported_at,
                                               source = excluded.source
                """, arguments: [now.timeIntervalSince1970, source])
        }
    }

    /// The registry version; changes whenever a registry is imported.
    package func registryVersion() async throws -> Int64 {
        try await read("read registry version") { db in
            try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
        }
    }

    /// The registry copy and its version.
    package func loadRegistry() async throws -> (version: Int64, registry: AddressRegistry) {
        try await read("load registry") { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM registry_state WHERE id = 1") ?? 0
            let parties = try Row.fetchAll(db, sql: "SELECT document FROM party ORDER BY her_id").compactMap { row in
                try? RegistryFile.parseStored(row["document"])
            }
            return (version, AddressRegistry(parties: parties))
        }
    }

    /// One party's stored JSON, as imported.
    package func partyDocument(herId: Int) async throws -> Data? {
        try await read("read party") { db in
            try Data.fetchOne(db, sql: "SELECT document FROM party WHERE her_id = ?", arguments: [herId])
        }
    }

    // MARK: Rows

    @discardableResult
    static func insert(_ message: NewMessage, now: Date, db: Database) throws -> Int64 {
        let (kind, herId, queue): (String, Int?, String?) = switch message.target {
        case .partyAsync(let herId): ("async", herId, nil)
        case .partyError(let herId): ("error", herId, nil)
        case .queue(let name): ("queue", nil, name)
        }
        let stamp = now.timeIntervalSince1970
        try db.cachedStatement(sql: """
            INSERT INTO message (message_id, kind, from_her_id, to_her_id, function, msg_id, target_kind,
                                 target_her_id, target_queue, properties, body, state, next_attempt_at,
                                 accepted_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
            """).execute(arguments: [
                message.messageId, message.kind.rawValue, message.fromHerId, message.toHerId,
                message.messageFunction, message.msgId, kind, herId, queue,
                PropertiesCodec.encode(message.properties), Data(message.body), stamp, stamp,
                message.expiresAt.timeIntervalSince1970,
            ])
        let id = db.lastInsertedRowID
        try appendStatus(.accepted, to: id, at: stamp, detail: nil, db: db)
        return id
    }

    private func insertDeadLetter(_ draft: DeadLetterDraft, now: Date, db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT INTO dead_letter (message, message_id, from_her_id, to_her_id, function, reason, at, properties, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                draft.storedMessage, draft.messageId, draft.fromHerId, draft.toHerId, draft.messageFunction,
                draft.reason, now.timeIntervalSince1970, PropertiesCodec.encode(draft.properties), Data(draft.body),
            ])
        // The copy on the dead-letter queue carries the original properties plus the reason.
        var properties = draft.properties
        properties.headers[HeaderName.deadLetterReason] = draft.reason
        // A dead letter stays on its queue until someone takes it: no time-to-live.
        properties.expiration = nil
        let copy = NewMessage(
            messageId: draft.messageId ?? UUID().uuidString.lowercased(), kind: .deadLetterCopy,
            fromHerId: draft.fromHerId.flatMap { Int($0) }, toHerId: draft.toHerId.flatMap { Int($0) },
            messageFunction: draft.messageFunction, msgId: nil, target: .queue(deadLetterQueue),
            properties: properties, body: draft.body, expiresAt: .distantFuture)
        try Self.insert(copy, now: now, db: db)
    }

    /// Records a duplicate key; false when it was there already. The one check of §2's last
    /// step: inside the batch's transaction, so a key seen twice in one batch counts too.
    private static func claim(_ key: DuplicateKey, now: Date, db: Database) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT INTO duplicate_key (from_her_id, key, accepted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [key.senderHerId, key.key, now.timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// Moves the original's status for a receipt; false when the original is not known here.
    private static func correlate(_ correlation: ReceiptCorrelation, now: Date, db: Database) throws -> Bool {
        let original: Int64?
        let status: MessageStatus
        switch correlation {
        case .appRec(let msgId, let sender, let receiver, let receiptStatus):
            status = receiptStatus
            original = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM message WHERE msg_id = ? AND from_her_id = ? AND to_her_id = ?
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """), arguments: [msgId, sender, receiver])
        case .errorMessage(let messageId, let errorSender, let errorReceiver):
            status = .rejected
            original = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM message WHERE message_id = ? AND from_her_id = ? AND to_her_id = ?
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """), arguments: [messageId, errorReceiver, errorSender])
        }
        guard let original else { return false }
        try appendStatus(status, to: original, at: now.timeIntervalSince1970, detail: nil, db: db)
        return true
    }

    private static func appendStatus(_ status: MessageStatus, to id: Int64, at: Double, detail: String?, db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO status (message, status, at, detail) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, status.rawValue, at, detail])
    }

    private static func target(_ row: Row) -> DeliveryTarget {
        let targetKind: String = row["target_kind"]
        switch targetKind {
        case "async": return .partyAsync(herId: row["target_her_id"])
        case "error": return .partyError(herId: row["target_her_id"])
        default: return .queue(row["target_queue"] ?? "")
        }
    }

    private static func dueMessage(_ row: Row) throws -> DueMessage {
        let target = target(row)
        let properties: Data = row["properties"]
        let body: Data = row["body"]
        return DueMessage(
            id: row["id"], messageId: row["message_id"], kind: MessageKind(rawValue: row["kind"]) ?? .dialog,
            fromHerId: row["from_her_id"], toHerId: row["to_her_id"], messageFunction: row["function"],
            target: target, properties: try PropertiesCodec.decode(properties),
            body: [UInt8](body), attempts: row["attempts"],
            acceptedAt: Date(timeIntervalSince1970: row["accepted_at"]),
            expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
    }

    // MARK: Plumbing

    private func write<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw StoreError(operation, Self.describe(error))
        }
    }

    private func read<T: Sendable>(_ operation: String, _ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StoreError(operation, Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode): \(error.message ?? "no message")"
        }
        return "\(error)"
    }
}

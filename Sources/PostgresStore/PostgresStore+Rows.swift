import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Inserts a message to send, pending and due at once, with its `accepted` status.
    @discardableResult
    func insert(_ message: NewMessage, now: Date, db: PostgresConnection) async throws -> Int64 {
        guard let id = try await insert([message], now: now, db: db).first else {
            throw CorruptRecord("the database returned no id for a new message")
        }
        return id
    }

    /// Inserts messages to send, pending and due at once, with their `accepted` statuses, in two
    /// statements for all of them. Returns their ids in the order of `messages`.
    func insert(_ messages: [NewMessage], now: Date, db: PostgresConnection) async throws -> [Int64] {
        guard !messages.isEmpty else { return [] }
        // Arrays cannot carry NULLs through postgres-nio: a missing HER-id goes as -1 (HER-ids are
        // digits only), a missing text beside a flag saying so.
        let targets = messages.map(\.target.columns)
        let stamp = now.timeIntervalSince1970
        let rows = try await db.records("""
            INSERT INTO message (message_id, kind, from_her_id, to_her_id, function, msg_id, target_kind,
                                 target_her_id, target_queue, properties, body, state, next_attempt_at,
                                 accepted_at, expires_at, origin)
            SELECT message_id, kind, NULLIF(from_her_id, -1), NULLIF(to_her_id, -1),
                   CASE WHEN has_function THEN function END, CASE WHEN has_msg_id THEN msg_id END, target_kind,
                   NULLIF(target_her_id, -1), CASE WHEN has_queue THEN target_queue END, properties, body,
                   'pending', \(stamp), \(stamp), expires_at, origin
            FROM unnest(
                \(messages.map(\.messageId))::TEXT[], \(messages.map(\.kind.rawValue))::TEXT[],
                \(messages.map { $0.fromHerId ?? -1 })::BIGINT[], \(messages.map { $0.toHerId ?? -1 })::BIGINT[],
                \(messages.map { $0.messageFunction ?? "" })::TEXT[], \(messages.map { $0.messageFunction != nil })::BOOLEAN[],
                \(messages.map { $0.msgId ?? "" })::TEXT[], \(messages.map { $0.msgId != nil })::BOOLEAN[],
                \(targets.map(\.kind))::TEXT[], \(targets.map { $0.herId ?? -1 })::BIGINT[],
                \(targets.map { $0.queue ?? "" })::TEXT[], \(targets.map { $0.queue != nil })::BOOLEAN[],
                \(messages.map { ByteBuffer(bytes: PropertiesCodec.encode($0.properties)) })::BYTEA[],
                \(messages.map { ByteBuffer(bytes: $0.body) })::BYTEA[],
                \(messages.map(\.expiresAt.timeIntervalSince1970))::DOUBLE PRECISION[],
                \(messages.map(\.origin.rawValue))::TEXT[]
            ) WITH ORDINALITY AS m(message_id, kind, from_her_id, to_her_id, function, has_function, msg_id, has_msg_id,
                                   target_kind, target_her_id, target_queue, has_queue, properties, body, expires_at,
                                   origin, position)
            ORDER BY position
            RETURNING id
            """, logger)
        // Ids are drawn in the order the rows are inserted, which ORDER BY fixes; RETURNING
        // itself promises no order.
        let ids = try rows.map { row -> Int64 in try row["id"] }.sorted()
        guard ids.count == messages.count else { throw CorruptRecord("the database returned \(ids.count) ids for \(messages.count) new messages") }
        try await appendStatus(.accepted, to: ids, at: stamp, detail: nil, db: db)
        return ids
    }

    /// Appends a status to the histories of messages, in one statement for all of them; a status
    /// already there stays as it was. A new one is announced to each sender who follows the
    /// message over REST, and closes the conversation a request opened when it means no answer
    /// can come.
    func appendStatus(_ status: MessageStatus, to ids: [Int64], at: Double, detail: String?, db: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        let added = Set(try await db.records("""
            INSERT INTO status (message, status, at, detail, instance)
            SELECT id, \(status.rawValue), \(at), \(detail), \(instance) FROM unnest(\(ids)::BIGINT[]) AS s(id)
            ON CONFLICT DO NOTHING RETURNING message
            """, logger).map { row -> Int64 in try row["message"] })
        guard status != .accepted, !added.isEmpty else { return }
        let new = ids.filter(added.contains)
        try await announce(status, of: new, at: at, db: db)
        for id in new {
            try await closeConversation(ofRequest: id, after: status, at: at, db: db)
        }
    }

    /// A message's status history, in the order it was recorded.
    func history(of id: Int64, db: PostgresConnection) async throws -> [StatusEntry] {
        try await db.records("SELECT status, at, detail, instance FROM status WHERE message = \(id) ORDER BY at, seq", logger)
            .compactMap { entry in
                guard let status = MessageStatus(rawValue: try entry["status"]) else { return nil }
                return StatusEntry(
                    status: status, at: Date(timeIntervalSince1970: try entry["at"]), detail: try entry["detail"],
                    instance: try entry["instance"])
            }
    }
}

extension DeliveryTarget {
    /// The `target_kind`, `target_her_id` and `target_queue` columns of a message for this target.
    var columns: (kind: String, herId: Int?, queue: String?) {
        switch self {
        case .partyAsync(let herId): ("async", herId, nil)
        case .partyError(let herId): ("error", herId, nil)
        case .queue(let name): ("queue", nil, name)
        }
    }
}

import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// The messages with this `message_id` (or, failing that, this MsgHead `MsgId`), with histories.
    package func reports(for identifier: String) async throws(StoreError) -> [MessageReport] {
        try await read("read status") { db in
            var rows = try await db.records("SELECT * FROM message WHERE message_id = \(identifier) ORDER BY id", self.logger)
            if rows.isEmpty {
                rows = try await db.records("SELECT * FROM message WHERE msg_id = \(identifier) ORDER BY id", self.logger)
            }
            var reports: [MessageReport] = []
            for row in rows {
                let id: Int64 = try row["id"]
                reports.append(MessageReport(
                    id: id, messageId: try row["message_id"], kind: MessageKind(rawValue: try row["kind"]) ?? .dialog,
                    fromHerId: try row["from_her_id"], toHerId: try row["to_her_id"], messageFunction: try row["function"],
                    msgId: try row["msg_id"], state: try row["state"], attempts: try row["attempts"],
                    nextAttemptAt: (try row["next_attempt_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    lastError: try row["last_error"],
                    acceptedAt: Date(timeIntervalSince1970: try row["accepted_at"]),
                    expiresAt: Date(timeIntervalSince1970: try row["expires_at"]),
                    history: try await self.history(of: id, db: db)))
            }
            return reports
        }
    }

    /// How many messages wait to be sent.
    package func pendingCount() async throws(StoreError) -> Int {
        try await read("count pending messages") { db in
            try await db.value("SELECT COUNT(*) FROM message WHERE state = 'pending'", self.logger, as: Int.self) ?? 0
        }
    }

    /// Writes one row and commits: whether the database takes writes now (readiness).
    package func probeWrite(now: Date) async throws(StoreError) {
        try await write("probe a write", announce: false) { db in
            try await db.query("""
                INSERT INTO readiness_probe (id, at) VALUES (1, \(now.timeIntervalSince1970))
                ON CONFLICT (id) DO UPDATE SET at = excluded.at
                """, logger: self.logger)
        }
    }

    /// Counts of messages by state, for logs and readiness.
    package func stateCounts() async throws(StoreError) -> [String: Int] {
        try await read("count messages") { db in
            var counts: [String: Int] = [:]
            for row in try await db.records("SELECT state, COUNT(*) AS n FROM message GROUP BY state", self.logger) {
                counts[try row["state"]] = try row["n"]
            }
            return counts
        }
    }

    /// The database's size in bytes, as PostgreSQL counts it.
    package func storageBytes() async -> Int64? {
        try? await read("read the database size") { db in
            try await db.value("SELECT pg_database_size(current_database())", self.logger, as: Int64.self)
        }
    }
}

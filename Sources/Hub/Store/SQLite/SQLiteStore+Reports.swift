import Foundation
import GRDB

extension SQLiteStore {
    package func reports(for identifier: String) async throws(StoreError) -> [MessageReport] {
        try await read("read status") { db in
            var rows = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE message_id = ? ORDER BY id", arguments: [identifier])
            if rows.isEmpty {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM message WHERE msg_id = ? ORDER BY id", arguments: [identifier])
            }
            return try rows.map { row in
                let id: Int64 = row["id"]
                let history = try Self.history(of: id, acceptedAt: row["accepted_at"], sentAt: row["sent_at"], db: db)
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

    /// Counted from the lane index, which holds only those.
    package func pendingCount() async throws(StoreError) -> Int {
        try await read("count pending messages") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM message INDEXED BY message_lane WHERE state = 'pending'") ?? 0
        }
    }

    package func probeWrite(now: Date) async throws(StoreError) {
        try await write("probe a write") { db in
            try db.execute(sql: "INSERT INTO readiness_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                           arguments: [now.timeIntervalSince1970])
        }
    }

    package func stateCounts() async throws(StoreError) -> [String: Int] {
        try await read("count messages") { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM message GROUP BY state") {
                counts[row["state"]] = row["n"]
            }
            return counts
        }
    }
}

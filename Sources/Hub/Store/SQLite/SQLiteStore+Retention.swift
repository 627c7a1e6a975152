import Foundation
import GRDB

extension SQLiteStore {
    /// Deletes in slices so no transaction holds the writer for long.
    @discardableResult
    package func prune(duplicateKeysBefore: Date, messagesBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune") { db in
            try db.execute(sql: """
                DELETE FROM duplicate_key WHERE (from_her_id, key) IN (
                    SELECT from_her_id, key FROM duplicate_key WHERE accepted_at < ? LIMIT 5000)
                """, arguments: [duplicateKeysBefore.timeIntervalSince1970])
            var changes = db.changesCount
            try db.execute(sql: """
                DELETE FROM dead_letter WHERE id IN (SELECT id FROM dead_letter WHERE at < ? LIMIT 5000)
                """, arguments: [messagesBefore.timeIntervalSince1970])
            changes += db.changesCount
            let doomed = try Row.fetchAll(db, sql: """
                SELECT id, kind, from_her_id, msg_id, accepted_at FROM message WHERE state != 'pending' AND accepted_at < ?
                AND id NOT IN (SELECT message FROM dead_letter WHERE message IS NOT NULL AND replayed_at IS NULL)
                LIMIT 5000
                """, arguments: [messagesBefore.timeIntervalSince1970])
            guard !doomed.isEmpty else { return changes }
            // A row that holds its duplicate key (`claim`) and is pruned inside the duplicate
            // window (message retention set shorter than it) leaves the key behind.
            for row in doomed {
                let acceptedAt: Double = row["accepted_at"]
                let kind = (row["kind"] as String?).flatMap(MessageKind.init(rawValue:))
                guard acceptedAt >= duplicateKeysBefore.timeIntervalSince1970,
                      let key = Self.heldKey(kind: kind, fromHerId: row["from_her_id"], msgId: row["msg_id"]) else { continue }
                _ = try Self.claim(key, now: Date(timeIntervalSince1970: acceptedAt), db: db)
            }
            let ids = doomed.map { $0["id"] as Int64 }
            try db.execute(sql: "DELETE FROM message WHERE id IN (\(databaseQuestionMarks(count: ids.count)))",
                           arguments: StatementArguments(ids))
            return changes + db.changesCount
        }
    }

    /// Runs `slice` (deletes of at most a few thousand rows) one transaction at a time until it
    /// deletes nothing, so no transaction holds the writer for long. Returns the rows removed.
    func deleteInSlices(_ operation: String, _ slice: @Sendable @escaping (Database) throws -> Int) async throws(StoreError) -> Int {
        var removed = 0
        while true {
            let count = try await write(operation, slice)
            removed += count
            if count == 0 { return removed }
        }
    }
}

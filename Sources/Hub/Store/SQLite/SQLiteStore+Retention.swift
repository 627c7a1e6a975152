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
            let doomed = try Int64.fetchAll(db, sql: """
                SELECT id FROM message WHERE state != 'pending' AND accepted_at < ?
                AND id NOT IN (SELECT message FROM dead_letter WHERE message IS NOT NULL AND replayed_at IS NULL)
                LIMIT 5000
                """, arguments: [messagesBefore.timeIntervalSince1970])
            guard !doomed.isEmpty else { return changes }
            let marks = databaseQuestionMarks(count: doomed.count)
            // An accepted message's row is its duplicate key (`claim`): one pruned inside the
            // duplicate window (message retention set shorter than it) leaves its key behind.
            try db.execute(sql: """
                INSERT OR IGNORE INTO duplicate_key (from_her_id, key, accepted_at)
                SELECT from_her_id, ? || msg_id, accepted_at FROM message
                WHERE id IN (\(marks)) AND accepted_at >= ? AND kind IN ('dialog', 'apprec')
                  AND msg_id IS NOT NULL AND from_her_id IS NOT NULL
                """, arguments: [DuplicateKey.acceptedPrefix] + StatementArguments(doomed) + [duplicateKeysBefore.timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM message WHERE id IN (\(marks))", arguments: StatementArguments(doomed))
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

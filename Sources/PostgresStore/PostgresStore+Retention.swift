import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Forgets what can no longer matter, as the SQLite store does: duplicate keys accepted
    /// before `duplicateKeysBefore`; dead letters and finished messages from before
    /// `messagesBefore`, a message only once no dead letter of it waits for replay. Deletes in
    /// slices. Returns the rows removed.
    @discardableResult
    package func prune(duplicateKeysBefore: Date, messagesBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune") { db in
            var changes = try await db.run("""
                DELETE FROM duplicate_key WHERE (from_her_id, key) IN (
                    SELECT from_her_id, key FROM duplicate_key WHERE accepted_at < \(duplicateKeysBefore.timeIntervalSince1970)
                    LIMIT 5000)
                RETURNING 1
                """, self.logger)
            changes += try await db.run("""
                DELETE FROM dead_letter WHERE id IN (
                    SELECT id FROM dead_letter WHERE at < \(messagesBefore.timeIntervalSince1970) LIMIT 5000)
                RETURNING 1
                """, self.logger)
            changes += try await db.run("""
                DELETE FROM message WHERE id IN (
                    SELECT id FROM message WHERE state != 'pending' AND accepted_at < \(messagesBefore.timeIntervalSince1970)
                    AND id NOT IN (SELECT message FROM dead_letter WHERE message IS NOT NULL AND replayed_at IS NULL)
                    LIMIT 5000)
                RETURNING 1
                """, self.logger)
            return changes
        }
    }
}

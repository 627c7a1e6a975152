import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Records that the receiver has downloaded a message: its status becomes `delivered`.
    /// False when no message with this id is addressed to that receiver. Repeating it is harmless.
    package func markDownloaded(messageId: String, receiverHerId: Int, now: Date) async throws(StoreError) -> Bool {
        try await write("mark downloaded") { db in
            guard let id = try await db.value("""
                SELECT id FROM message WHERE message_id = \(messageId) AND to_her_id = \(receiverHerId)
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """, self.logger, as: Int64.self) else { return false }
            // Nothing is left to send once the receiver has it, whatever dispatch was doing.
            try await db.query("""
                UPDATE message SET state = 'sent', next_attempt_at = NULL, claimed_by = NULL, claim_until = NULL
                WHERE id = \(id) AND state IN ('pending', 'available')
                """, logger: self.logger)
            try await self.appendStatus(.delivered, to: [id], at: now.timeIntervalSince1970, detail: nil, db: db)
            return true
        }
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    package func markDownloaded(messageId: String, receiverHerId: Int, now: Date) async throws(StoreError) -> Bool {
        try await write("mark downloaded") { db in
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM message WHERE message_id = ? AND to_her_id = ? AND kind IN ('dialog', 'apprec')
                ORDER BY id DESC LIMIT 1
                """), arguments: [messageId, receiverHerId]) else { return false }
            // Nothing is left to send once the receiver has it, whatever dispatch was doing.
            try db.cachedStatement(sql: """
                UPDATE message SET state = 'sent', next_attempt_at = NULL WHERE id = ? AND state IN ('pending', 'available')
                """).execute(arguments: [id])
            try Self.appendStatus(.delivered, to: id, at: now.timeIntervalSince1970, detail: nil, db: db)
            return true
        }
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    /// Moves the original's status for a receipt (stored as row `receipt`); false when the
    /// original is not known here. Only the original's receiver can answer it: a receipt from
    /// anyone else moves nothing.
    static func correlate(_ correlation: ReceiptCorrelation, receipt: Int64, now: Date, db: Database) throws -> Bool {
        let stamp = now.timeIntervalSince1970
        switch correlation {
        case .appRec(let msgId, let sender, let receiver, let status):
            guard let original = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM message WHERE msg_id = ? AND from_her_id = ? AND to_her_id = ?
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """), arguments: [msgId, sender, receiver]) else { return false }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO apprec_link (message, apprec) VALUES (?, ?)")
                .execute(arguments: [original, receipt])
            try appendStatus(status, to: original, at: stamp, detail: nil, db: db)
        case .errorMessage(let messageId, let errorSender, let errorReceiver):
            guard let original = try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT id FROM message WHERE message_id = ? AND from_her_id = ? AND to_her_id = ?
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """), arguments: [messageId, errorReceiver, errorSender]) else { return false }
            try appendStatus(.rejected, to: original, at: stamp, detail: "refused by the receiver (error message)", db: db)
        }
        return true
    }
}

import Foundation
import GRDB

extension HubStore {
    /// Moves the original's status for a receipt; false when the original is not known here.
    /// Only the original's receiver can answer it: a receipt from anyone else moves nothing.
    static func correlate(_ correlation: ReceiptCorrelation, now: Date, db: Database) throws -> Bool {
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
}

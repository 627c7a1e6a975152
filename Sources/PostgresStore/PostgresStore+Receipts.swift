import Foundation
import Hub
import PostgresNIO

extension PostgresStore {
    /// Moves the original's status for a receipt (stored as row `receipt`); false when the
    /// original is not known here. Only the original's receiver can answer it.
    func correlate(_ correlation: ReceiptCorrelation, receipt: Int64, now: Date, db: PostgresConnection) async throws -> Bool {
        let stamp = now.timeIntervalSince1970
        switch correlation {
        case .appRec(let msgId, let sender, let receiver, let status):
            guard let original = try await db.value("""
                SELECT id FROM message WHERE msg_id = \(msgId) AND from_her_id = \(sender) AND to_her_id = \(receiver)
                AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """, logger, as: Int64.self) else { return false }
            try await db.query("""
                INSERT INTO apprec_link (message, apprec) VALUES (\(original), \(receipt))
                ON CONFLICT (message) DO UPDATE SET apprec = excluded.apprec
                """, logger: logger)
            try await appendStatus(status, to: [original], at: stamp, detail: nil, db: db)
        case .errorMessage(let messageId, let errorSender, let errorReceiver):
            guard let original = try await db.value("""
                SELECT id FROM message WHERE message_id = \(messageId) AND from_her_id = \(errorReceiver)
                AND to_her_id = \(errorSender) AND kind IN ('dialog', 'apprec') ORDER BY id DESC LIMIT 1
                """, logger, as: Int64.self) else { return false }
            try await appendStatus(.rejected, to: [original], at: stamp, detail: "refused by the receiver (error message)", db: db)
        }
        return true
    }
}

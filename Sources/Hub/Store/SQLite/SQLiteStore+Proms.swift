import Dialogs
import Foundation
import GRDB

/// PROMs form orders (proms.md): the orders registers place, their histories, and the
/// notification and push that tell the register of each new status, all in the transaction
/// that records the status.
extension SQLiteStore {
    // MARK: Orders from registers

    package func acceptPromsOrder(_ order: NewPromsOrder, id: String, now: Date) async throws(StoreError) -> PromsOrderAcceptance {
        try await write("store a PROMs order") { db in
            let metadata = order.metadataText
            if let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT id, form_id, national_id, expiry_date, distribution_rule, metadata FROM proms_order
                WHERE register_her_id = ? AND register_reference = ?
                """), arguments: [order.registerHerId, order.registerReference]) {
                let same = order.isStored(
                    formId: row["form_id"], nationalId: row["national_id"], expiryDate: row["expiry_date"],
                    distributionRule: row["distribution_rule"], metadata: row["metadata"])
                return same ? .existing(id: row["id"]) : .conflict
            }
            let stamp = now.timeIntervalSince1970
            try db.cachedStatement(sql: """
                INSERT INTO proms_order (id, register_her_id, register_reference, form_id, national_id, expiry_date,
                                         deadline, distribution_rule, metadata, status, next_attempt_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, ?, ?)
                """).execute(arguments: [
                    id, order.registerHerId, order.registerReference, order.formId, order.nationalId.digits,
                    order.expiryDate, order.deadline.timeIntervalSince1970, order.distributionRule.rawValue, metadata,
                    stamp, stamp, stamp,
                ])
            try db.cachedStatement(sql: "INSERT INTO proms_status (proms_order, status, at) VALUES (?, 'accepted', ?)")
                .execute(arguments: [id, stamp])
            return .created(id: id)
        }
    }

    package func promsOrder(id: String) async throws(StoreError) -> PromsOrder? {
        try await read("read a PROMs order") { db in try Self.promsOrder(id, db: db) }
    }

    // MARK: Placing orders at the service

    package func duePromsOrders(now: Date, limit: Int) async throws(StoreError) -> [DuePromsOrder] {
        try await read("read PROMs orders to place") { db in
            try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, register_her_id, form_id, national_id, expiry_date, distribution_rule, metadata, attempts,
                       last_error, deadline
                FROM proms_order INDEXED BY proms_order_due
                WHERE status = 'accepted' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?
                """), arguments: [now.timeIntervalSince1970, limit]
            ).map { row in
                let id: String = row["id"]
                return DuePromsOrder(
                    id: id, registerHerId: row["register_her_id"],
                    request: Result(catching: { () throws(CorruptRecord) in
                        try PromsFormOrder(
                            id: id, formId: row["form_id"], storedNationalId: row["national_id"],
                            expiryDate: row["expiry_date"], storedDistributionRule: row["distribution_rule"],
                            storedMetadata: row["metadata"])
                    }),
                    attempts: row["attempts"], lastError: row["last_error"], deadline: Date(timeIntervalSince1970: row["deadline"]))
            }
        }
    }

    package func nextPromsAttempt() async throws(StoreError) -> Date? {
        try await read("read the next PROMs attempt") { db in
            try Double.fetchOne(db.cachedStatement(sql: """
                SELECT MIN(next_attempt_at) FROM proms_order WHERE status = 'accepted'
                """)).map(Date.init(timeIntervalSince1970:))
        }
    }

    package func recordPromsPlacement(
        _ result: PromsPlacementResult, of id: String, now: Date, pushExpiry: TimeInterval
    ) async throws(StoreError) {
        try await write("record a PROMs placement") { db in
            switch result {
            case .ordered(let formOrderId, let channel):
                try db.cachedStatement(sql: """
                    UPDATE proms_order SET form_order_id = ?, notification_channel = ?, attempts = attempts + 1,
                           next_attempt_at = NULL, last_error = NULL WHERE id = ? AND status = 'accepted'
                    """).execute(arguments: [formOrderId.lowercased(), channel, id])
                guard db.changesCount > 0 else { return }
                try Self.advancePromsOrder(id, to: .ordered, detail: nil, now: now, pushExpiry: pushExpiry, db: db)
            case .failed(let reason):
                try db.cachedStatement(sql: """
                    UPDATE proms_order SET attempts = attempts + 1, next_attempt_at = NULL, last_error = ?
                    WHERE id = ? AND status = 'accepted'
                    """).execute(arguments: [reason, id])
                guard db.changesCount > 0 else { return }
                try Self.advancePromsOrder(id, to: .failed, detail: reason, now: now, pushExpiry: pushExpiry, db: db)
            case .retry(let error, let next):
                try db.cachedStatement(sql: """
                    UPDATE proms_order SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?
                    WHERE id = ? AND status = 'accepted'
                    """).execute(arguments: [next.timeIntervalSince1970, error, id])
            }
        }
    }

    // MARK: The service's callbacks

    package func recordPromsCallback(_ callback: PromsCallback, now: Date, pushExpiry: TimeInterval) async throws(StoreError) -> Bool {
        try await write("record a PROMs callback") { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT id, status FROM proms_order WHERE form_order_id = ? ORDER BY created_at DESC LIMIT 1
                """), arguments: [callback.formOrderId.lowercased()]) else { return false }
            let id: String = row["id"]
            guard let current = PromsOrderStatus(rawValue: row["status"]), !current.isFinal else { return true }
            if let channel = callback.notificationChannel {
                try db.cachedStatement(sql: "UPDATE proms_order SET notification_channel = ? WHERE id = ?")
                    .execute(arguments: [channel, id])
            }
            var detail: String?
            switch callback.event {
            case .completed(let answer):
                try db.cachedStatement(sql: """
                    UPDATE proms_order SET answer_form_data = ?, answer_signed_form_id = ?, answer_completed_at = ?,
                           answer_warnings = ? WHERE id = ?
                    """).execute(arguments: [
                        try answer.formData.storedText(), answer.signedFormId, answer.completedAt.timeIntervalSince1970,
                        try answer.warnings?.storedText(), id,
                    ])
            case .error(let code):
                detail = code.map { LogSafe.text($0, limit: 200) }
            case .ordered, .expired:
                break
            }
            try Self.advancePromsOrder(id, to: callback.status, detail: detail, now: now, pushExpiry: pushExpiry, db: db)
            return true
        }
    }

    // MARK: Expiry and retention

    package func expirePromsOrders(endedBefore: Date, now: Date, pushExpiry: TimeInterval, limit: Int) async throws(StoreError) -> Int {
        try await write("expire PROMs orders") { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: """
                SELECT id FROM proms_order INDEXED BY proms_order_open
                WHERE status IN ('accepted', 'ordered', 'error') AND deadline <= ? ORDER BY deadline LIMIT ?
                """), arguments: [endedBefore.timeIntervalSince1970, limit])
            for id in ids {
                try db.cachedStatement(sql: "UPDATE proms_order SET next_attempt_at = NULL WHERE id = ?").execute(arguments: [id])
                try Self.advancePromsOrder(
                    id, to: .expired, detail: "no answer from the PROMs service by the day after the expiry date",
                    now: now, pushExpiry: pushExpiry, db: db)
            }
            return ids.count
        }
    }

    @discardableResult
    package func prunePromsOrders(finishedBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune PROMs orders") { db in
            try db.execute(sql: """
                DELETE FROM proms_order WHERE id IN (
                    SELECT id FROM proms_order WHERE status IN ('completed', 'expired', 'failed') AND updated_at < ?
                    LIMIT 5000)
                """, arguments: [finishedBefore.timeIntervalSince1970])
            return db.changesCount
        }
    }

    // MARK: Rows

    static func promsOrder(_ id: String, db: Database) throws -> PromsOrder? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, register_her_id, register_reference, form_id, status, form_order_id, notification_channel,
                   answer_form_data, answer_signed_form_id, answer_completed_at, answer_warnings
            FROM proms_order WHERE id = ?
            """), arguments: [id]) else { return nil }
        guard let status = PromsOrderStatus(rawValue: row["status"]) else {
            throw CorruptRecord("PROMs order \(id) has an unknown status")
        }
        let answer = try PromsOrder.Answer(
            storedFormData: row["answer_form_data"], signedFormId: row["answer_signed_form_id"],
            completedAt: row["answer_completed_at"], warnings: row["answer_warnings"])
        let history = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT status, at, detail FROM proms_status WHERE proms_order = ? ORDER BY rowid
            """), arguments: [id]
        ).compactMap { entry in
            PromsOrderStatus(rawValue: entry["status"]).map {
                PromsOrder.Entry(status: $0, at: Date(timeIntervalSince1970: entry["at"]), detail: entry["detail"])
            }
        }
        return PromsOrder(
            id: id, registerHerId: row["register_her_id"], registerReference: row["register_reference"],
            formId: row["form_id"], status: status, history: history, formOrderId: row["form_order_id"],
            notificationChannel: row["notification_channel"], answer: answer)
    }

    /// Adds `status` to an order's history (once), moves the order's status when the new one
    /// is further along, and tells the register. Nothing changes an order once it is final.
    /// Returns whether the history changed.
    @discardableResult
    static func advancePromsOrder(
        _ id: String, to status: PromsOrderStatus, detail: String?, now: Date, pushExpiry: TimeInterval, db: Database
    ) throws -> Bool {
        guard let current = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM proms_order WHERE id = ?"),
                                                arguments: [id]).flatMap(PromsOrderStatus.init(rawValue:)),
              !current.isFinal else { return false }
        let stamp = now.timeIntervalSince1970
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO proms_status (proms_order, status, at, detail) VALUES (?, ?, ?, ?)")
            .execute(arguments: [id, status.rawValue, stamp, detail])
        guard db.changesCount > 0 else { return false }
        try db.cachedStatement(sql: "UPDATE proms_order SET status = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [status.progress > current.progress ? status.rawValue : current.rawValue, stamp, id])
        guard let order = try promsOrder(id, db: db) else { return true }
        try announce(order, change: status, detail: detail, now: now, pushExpiry: pushExpiry, db: db)
        return true
    }

    /// Tells the register of a new status in its order: a `PromsOrderUpdated` notification
    /// whatever its channel, and the order's JSON pushed by its channel, through the outbox
    /// like any message (a signed POST to a webhook, a message on its async queue). An `Api`
    /// register follows the notifications.
    private static func announce(
        _ order: PromsOrder, change: PromsOrderStatus, detail: String?, now: Date, pushExpiry: TimeInterval, db: Database
    ) throws {
        try notify(
            .promsOrderUpdated, about: .promsOrder(order.id), receiver: order.registerHerId, relatedMessageId: order.id,
            triggeredBy: nil, description: PromsOrder.updateDescription(change, detail: detail),
            at: now.timeIntervalSince1970, db: db)
        let channel = try String.fetchOne(db.cachedStatement(sql: "SELECT channel FROM delivery_channel WHERE her_id = ?"),
                                          arguments: [order.registerHerId])
        guard channel != "api" else { return }
        try insert(try NewMessage(promsUpdate: order, now: now, pushExpiry: pushExpiry), now: now, db: db)
    }
}

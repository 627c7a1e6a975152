import Dialogs
import Foundation
import Hub
import PostgresNIO

/// PROMs form orders (proms.md): the orders registers place, their histories, and the
/// notification and push that tell the register of each new status, all in the transaction
/// that records the status.
///
/// Several instances record statuses of the same orders (a callback on one, the expiry sweep
/// on another): what an order's current status allows is read with the order's row locked, so
/// that they take turns as SQLite's single writer made them.
extension PostgresStore {
    // MARK: Orders from registers

    /// Stores a register's order under `id` as `accepted`, due to be placed at once. When the
    /// register used its reference before: the earlier order's id if it is the same order,
    /// `.conflict` if its content differs.
    package func acceptPromsOrder(_ order: NewPromsOrder, id: String, now: Date) async throws(StoreError) -> PromsOrderAcceptance {
        try await write("store a PROMs order") { db in
            let metadata = order.metadataText
            let stamp = now.timeIntervalSince1970
            // The insert comes first: two instances taking the same reference at once would both
            // find nothing with a SELECT. The unique key lets one in; the other waits for it and
            // then compares with what it stored. Should that order be gone by then (pruned), the
            // reference is free again and the insert is tried anew.
            while true {
                let inserted = try await db.run("""
                    INSERT INTO proms_order (id, register_her_id, register_reference, form_id, national_id, expiry_date,
                                             deadline, distribution_rule, metadata, status, next_attempt_at, created_at,
                                             updated_at)
                    VALUES (\(id), \(order.registerHerId), \(order.registerReference), \(order.formId),
                            \(order.nationalId.digits), \(order.expiryDate), \(order.deadline.timeIntervalSince1970),
                            \(order.distributionRule.rawValue), \(metadata), 'accepted', \(stamp), \(stamp), \(stamp))
                    ON CONFLICT (register_her_id, register_reference) DO NOTHING
                    RETURNING 1
                    """, self.logger)
                if inserted > 0 {
                    try await db.run("INSERT INTO proms_status (proms_order, status, at) VALUES (\(id), 'accepted', \(stamp))", self.logger)
                    return .created(id: id)
                }
                guard let row = try await db.record("""
                    SELECT id, form_id, national_id, expiry_date, distribution_rule, metadata FROM proms_order
                    WHERE register_her_id = \(order.registerHerId) AND register_reference = \(order.registerReference)
                    """, self.logger) else { continue }
                let same = order.isStored(
                    formId: try row["form_id"], nationalId: try row["national_id"], expiryDate: try row["expiry_date"],
                    distributionRule: try row["distribution_rule"], metadata: try row["metadata"])
                return same ? .existing(id: try row["id"]) : .conflict
            }
        }
    }

    /// An order as its register sees it; nil when there is none with this id.
    package func promsOrder(id: String) async throws(StoreError) -> PromsOrder? {
        try await read("read a PROMs order") { db in try await self.promsOrder(id, db: db) }
    }

    // MARK: Placing orders at the service

    /// Accepted orders due to be placed by `now`, longest waiting first, at most `limit`.
    ///
    /// A read, as in SQLite: nothing marks the orders taken, and two instances reading at once
    /// get the same orders. Placing must therefore run on one instance of the fleet at a time;
    /// should two place an order anyway, the service answers the repeated idempotency key (the
    /// order's id) with the same order, and `recordPromsPlacement` records the first outcome only.
    package func duePromsOrders(now: Date, limit: Int) async throws(StoreError) -> [DuePromsOrder] {
        try await read("read PROMs orders to place") { db in
            // Orders due at the same time go in the order they were accepted, as SQLite's rowid
            // ordered them: by their `accepted` status's place in the history table.
            try await db.records("""
                SELECT id, register_her_id, form_id, national_id, expiry_date, distribution_rule, metadata, attempts,
                       last_error, deadline
                FROM proms_order
                WHERE status = 'accepted' AND next_attempt_at <= \(now.timeIntervalSince1970)
                ORDER BY next_attempt_at,
                         (SELECT seq FROM proms_status WHERE proms_order = proms_order.id AND status = 'accepted')
                LIMIT \(limit)
                """, self.logger
            ).map { row in
                let id: String = try row["id"]
                return DuePromsOrder(
                    id: id, registerHerId: try row["register_her_id"],
                    request: Result(catching: { () throws(CorruptRecord) in try Self.formOrder(id, row) }),
                    attempts: try row["attempts"], lastError: try row["last_error"],
                    deadline: Date(timeIntervalSince1970: try row["deadline"]))
            }
        }
    }

    /// The request a stored order makes, or why its row no longer reads.
    private static func formOrder(_ id: String, _ row: PostgresRecord) throws(CorruptRecord) -> PromsFormOrder {
        let formId: String, nationalIdText: String, expiryDate: String, ruleValue: Int, metadataText: String?
        do {
            formId = try row["form_id"]
            nationalIdText = try row["national_id"]
            expiryDate = try row["expiry_date"]
            ruleValue = try row["distribution_rule"]
            metadataText = try row["metadata"]
        } catch let error as PostgresDecodingError {
            throw CorruptRecord("its stored \(error.columnName) does not read")
        } catch {
            throw CorruptRecord("its stored row does not read")
        }
        return try PromsFormOrder(
            id: id, formId: formId, storedNationalId: nationalIdText, expiryDate: expiryDate,
            storedDistributionRule: ruleValue, storedMetadata: metadataText)
    }

    /// When the next accepted order falls due; nil when none waits.
    package func nextPromsAttempt() async throws(StoreError) -> Date? {
        try await read("read the next PROMs attempt") { db in
            try await db.value(
                "SELECT MIN(next_attempt_at) FROM proms_order WHERE status = 'accepted'", self.logger, as: Double?.self
            )?.map(Date.init(timeIntervalSince1970:))
        }
    }

    /// Records what became of an attempt to place an order. An order that is no longer
    /// `accepted` (expired meanwhile) is left as it is.
    ///
    /// The `UPDATE ... AND status = 'accepted'` locks the order's row: an instance recording
    /// for the same order at the same time waits, then finds it no longer `accepted`.
    package func recordPromsPlacement(
        _ result: PromsPlacementResult, of id: String, now: Date, pushExpiry: TimeInterval
    ) async throws(StoreError) {
        try await write("record a PROMs placement") { db in
            switch result {
            case .ordered(let formOrderId, let channel):
                let updated = try await db.run("""
                    UPDATE proms_order SET form_order_id = \(formOrderId.lowercased()), notification_channel = \(channel),
                           attempts = attempts + 1, next_attempt_at = NULL, last_error = NULL
                    WHERE id = \(id) AND status = 'accepted'
                    RETURNING 1
                    """, self.logger)
                guard updated > 0 else { return }
                try await self.advancePromsOrder(id, to: .ordered, detail: nil, now: now, pushExpiry: pushExpiry, db: db)
            case .failed(let reason):
                let updated = try await db.run("""
                    UPDATE proms_order SET attempts = attempts + 1, next_attempt_at = NULL, last_error = \(reason)
                    WHERE id = \(id) AND status = 'accepted'
                    RETURNING 1
                    """, self.logger)
                guard updated > 0 else { return }
                try await self.advancePromsOrder(id, to: .failed, detail: reason, now: now, pushExpiry: pushExpiry, db: db)
            case .retry(let error, let next):
                try await db.run("""
                    UPDATE proms_order SET attempts = attempts + 1, next_attempt_at = \(next.timeIntervalSince1970),
                           last_error = \(error)
                    WHERE id = \(id) AND status = 'accepted'
                    """, self.logger)
            }
        }
    }

    // MARK: The service's callbacks

    /// Records a callback about the order the service knows as `callback.formOrderId`. False
    /// when there is no such order; true once recorded, or when there was nothing to record
    /// (a repeat, or an order already completed or expired).
    package func recordPromsCallback(_ callback: PromsCallback, now: Date, pushExpiry: TimeInterval) async throws(StoreError) -> Bool {
        try await write("record a PROMs callback") { db in
            // FOR UPDATE: whether the order is final decides what is written below. Two callbacks
            // for one order on two instances (a repeat, or `completed` and `expired` crossing)
            // take turns, and the second sees what the first made of the order.
            guard let row = try await db.record("""
                SELECT id, status FROM proms_order WHERE form_order_id = \(callback.formOrderId.lowercased())
                ORDER BY created_at DESC LIMIT 1
                FOR UPDATE
                """, self.logger) else { return false }
            let id: String = try row["id"]
            guard let current = PromsOrderStatus(rawValue: try row["status"]), !current.isFinal else { return true }
            if let channel = callback.notificationChannel {
                try await db.run("UPDATE proms_order SET notification_channel = \(channel) WHERE id = \(id)", self.logger)
            }
            var detail: String?
            switch callback.event {
            case .completed(let answer):
                try await db.run("""
                    UPDATE proms_order SET answer_form_data = \(try answer.formData.storedText()),
                           answer_signed_form_id = \(answer.signedFormId),
                           answer_completed_at = \(answer.completedAt.timeIntervalSince1970),
                           answer_warnings = \(try answer.warnings?.storedText())
                    WHERE id = \(id)
                    """, self.logger)
            case .error(let code):
                detail = code.map { LogSafe.text($0, limit: 200) }
            case .ordered, .expired:
                break
            }
            try await self.advancePromsOrder(id, to: callback.status, detail: detail, now: now, pushExpiry: pushExpiry, db: db)
            return true
        }
    }

    // MARK: Expiry and retention

    /// Makes `expired` the open orders (not completed, expired or failed) whose expiry date
    /// ended at or before `endedBefore`, at most `limit` of them. Returns how many.
    package func expirePromsOrders(endedBefore: Date, now: Date, pushExpiry: TimeInterval, limit: Int) async throws(StoreError) -> Int {
        try await write("expire PROMs orders") { db in
            // SKIP LOCKED: instances sweeping at once expire different orders and count only
            // their own, and an order a callback is being recorded for waits for the next sweep.
            // Orders with the same deadline go in the order they were accepted, as SQLite's rowid
            // ordered them, so their notifications come in that order.
            let ids = try await db.records("""
                SELECT id FROM proms_order
                WHERE status IN ('accepted', 'ordered', 'error') AND deadline <= \(endedBefore.timeIntervalSince1970)
                ORDER BY deadline,
                         (SELECT seq FROM proms_status WHERE proms_order = proms_order.id AND status = 'accepted')
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
                """, self.logger).map { (row: PostgresRecord) -> String in try row["id"] }
            if !ids.isEmpty {
                try await db.run("UPDATE proms_order SET next_attempt_at = NULL WHERE id = ANY(\(ids))", self.logger)
            }
            for id in ids {
                try await self.advancePromsOrder(
                    id, to: .expired, detail: "no answer from the PROMs service by the day after the expiry date",
                    now: now, pushExpiry: pushExpiry, db: db)
            }
            return ids.count
        }
    }

    /// Forgets completed, expired and failed orders last changed before `finishedBefore`, with
    /// their histories and notifications. Returns how many.
    @discardableResult
    package func prunePromsOrders(finishedBefore: Date) async throws(StoreError) -> Int {
        try await deleteInSlices("prune PROMs orders") { db in
            // A finished order changes no more, so the rows picked are still finished when deleted;
            // an instance pruning at the same time deletes the rows this one did not get to.
            try await db.run("""
                DELETE FROM proms_order WHERE id IN (
                    SELECT id FROM proms_order
                    WHERE status IN ('completed', 'expired', 'failed') AND updated_at < \(finishedBefore.timeIntervalSince1970)
                    LIMIT 5000)
                RETURNING 1
                """, self.logger)
        }
    }

    // MARK: Rows

    /// An order with its history, read in one statement so that both are of one moment.
    func promsOrder(_ id: String, db: PostgresConnection) async throws -> PromsOrder? {
        let rows = try await db.records("""
            SELECT o.register_her_id, o.register_reference, o.form_id, o.status, o.form_order_id, o.notification_channel,
                   o.answer_form_data, o.answer_signed_form_id, o.answer_completed_at, o.answer_warnings,
                   s.status AS entry_status, s.at AS entry_at, s.detail AS entry_detail
            FROM proms_order o LEFT JOIN proms_status s ON s.proms_order = o.id
            WHERE o.id = \(id)
            ORDER BY s.seq
            """, logger)
        guard let row = rows.first else { return nil }
        guard let status = PromsOrderStatus(rawValue: try row["status"]) else {
            throw CorruptRecord("PROMs order \(id) has an unknown status")
        }
        let answer = try PromsOrder.Answer(
            storedFormData: try row["answer_form_data"], signedFormId: try row["answer_signed_form_id"],
            completedAt: try row["answer_completed_at"], warnings: try row["answer_warnings"])
        // No history row (the LEFT JOIN's NULLs) and statuses this hubd does not know are left out.
        let history = try rows.compactMap { (entry: PostgresRecord) -> PromsOrder.Entry? in
            guard let raw: String = try entry["entry_status"], let status = PromsOrderStatus(rawValue: raw) else { return nil }
            return PromsOrder.Entry(
                status: status, at: Date(timeIntervalSince1970: try entry["entry_at"]), detail: try entry["entry_detail"])
        }
        return PromsOrder(
            id: id, registerHerId: try row["register_her_id"], registerReference: try row["register_reference"],
            formId: try row["form_id"], status: status, history: history, formOrderId: try row["form_order_id"],
            notificationChannel: try row["notification_channel"], answer: answer)
    }

    /// Adds `status` to an order's history (once), moves the order's status when the new one
    /// is further along, and tells the register. Nothing changes an order once it is final.
    /// Returns whether the history changed.
    ///
    /// The caller holds the order's row lock (`recordPromsPlacement` by its UPDATE,
    /// `recordPromsCallback` and `expirePromsOrders` by their `FOR UPDATE`), so the status read
    /// here, which decides what is written, is the last one committed and stays so until this
    /// transaction ends: another instance advancing the same order waits for the lock and then
    /// sees the status this one left.
    @discardableResult
    func advancePromsOrder(
        _ id: String, to status: PromsOrderStatus, detail: String?, now: Date, pushExpiry: TimeInterval, db: PostgresConnection
    ) async throws -> Bool {
        guard let current = try await db.value(
                  "SELECT status FROM proms_order WHERE id = \(id)", logger, as: String.self
              ).flatMap(PromsOrderStatus.init(rawValue:)),
              !current.isFinal else { return false }
        let stamp = now.timeIntervalSince1970
        let added = try await db.run("""
            INSERT INTO proms_status (proms_order, status, at, detail) VALUES (\(id), \(status.rawValue), \(stamp), \(detail))
            ON CONFLICT DO NOTHING
            RETURNING 1
            """, logger)
        guard added > 0 else { return false }
        let moved = status.progress > current.progress ? status : current
        try await db.run("UPDATE proms_order SET status = \(moved.rawValue), updated_at = \(stamp) WHERE id = \(id)", logger)
        guard let order = try await promsOrder(id, db: db) else { return true }
        try await announce(order, change: status, detail: detail, now: now, pushExpiry: pushExpiry, db: db)
        return true
    }

    /// Tells the register of a new status in its order: a `PromsOrderUpdated` notification
    /// whatever its channel, and the order's JSON pushed by its channel, through the outbox
    /// like any message (a signed POST to a webhook, a message on its async queue). An `Api`
    /// register follows the notifications.
    private func announce(
        _ order: PromsOrder, change: PromsOrderStatus, detail: String?, now: Date, pushExpiry: TimeInterval,
        db: PostgresConnection
    ) async throws {
        try await notify(
            .promsOrderUpdated, about: .promsOrder(order.id), receiver: order.registerHerId, relatedMessageId: order.id,
            triggeredBy: nil, description: PromsOrder.updateDescription(change, detail: detail),
            at: now.timeIntervalSince1970, db: db)
        let channel = try await db.value(
            "SELECT channel FROM delivery_channel WHERE her_id = \(order.registerHerId)", logger, as: String.self)
        guard channel != "api" else { return }
        try await insert(try NewMessage(promsUpdate: order, now: now, pushExpiry: pushExpiry), now: now, db: db)
    }
}

import Dialogs
import Foundation
import Logging
import Synchronization

/// The hub's PROMs orders (proms.md): takes registers' orders into the store, places them at
/// the PROMs service in the background (retrying with back-off until their expiry date),
/// records the service's callbacks, and expires orders that got no answer. Every new status
/// is recorded with a notification and a push to the register, in one transaction (the store's).
///
/// ```swift
/// let proms = PromsOrders(store: store, client: serviceClient, settings: PromsSettings(),
///                         logger: logger, pushed: { hub.nudge() })
/// Task { await proms.run() }     // until `shutdown()`
/// let outcome = try await proms.accept(order)
/// ```
package final class PromsOrders: Sendable {
    package let store: any HubStore
    private let client: any PromsServiceClient
    private let settings: PromsSettings
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let random: @Sendable () -> Double
    /// Called after a status change was recorded: its push waits in the outbox.
    private let pushed: @Sendable () -> Void
    private let wake = WakeSignal()
    private let stopping = Mutex(false)
    /// One instance of a fleet places orders (a placement is read, sent and recorded in steps:
    /// two instances would send an order twice), and one expires and prunes them.
    private let placing: FleetLease
    private let sweeping: FleetLease

    /// - Parameters:
    ///   - client: the PROMs service.
    ///   - pushed: called when an update waits in the outbox, so that dispatch looks now.
    ///   - clock: the time orders are judged by (tests move it by hand).
    ///   - random: the jitter of the back-off, from 0..<1.
    package init(
        store: any HubStore, client: any PromsServiceClient, settings: PromsSettings, logger: Logger,
        pushed: @escaping @Sendable () -> Void = {}, clock: @escaping @Sendable () -> Date = Date.init,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.client = client
        self.settings = settings
        self.logger = logger
        self.pushed = pushed
        self.clock = clock
        self.random = random
        // Longer than two placements' request timeouts: the hold is renewed between placements.
        placing = FleetLease(.promsPlacement, length: 90, store: store)
        sweeping = FleetLease(.promsExpiry, length: max(3 * settings.expiryCheckInterval, 60), store: store)
    }

    // MARK: Registers and the service

    /// Stores a register's order (checked already), to be placed in the background.
    package func accept(_ order: NewPromsOrder) async throws(StoreError) -> PromsOrderAcceptance {
        let outcome = try await store.acceptPromsOrder(order, id: RandomID.make(), now: clock())
        if case .created(let id) = outcome {
            logger.info("PROMs order accepted", metadata: [
                "proms_order_id": "\(id)", "registerHerId": "\(order.registerHerId)", "formId": "\(LogSafe.text(order.formId))",
            ])
            wake.signal()
        }
        return outcome
    }

    /// An order as its register sees it.
    package func order(id: String) async throws(StoreError) -> PromsOrder? {
        try await store.promsOrder(id: id)
    }

    /// Records a callback from the service; false when it names no order hubd placed.
    package func record(_ callback: PromsCallback) async throws(StoreError) -> Bool {
        let known = try await store.recordPromsCallback(callback, now: clock(), pushExpiry: settings.pushExpiry)
        let metadata: Logger.Metadata = [
            "form_order_id": "\(LogSafe.text(callback.formOrderId))", "status": "\(callback.status.rawValue)",
        ]
        if known {
            logger.info("PROMs callback recorded", metadata: metadata)
            pushed()
        } else {
            logger.warning("PROMs callback for an order hubd does not know", metadata: metadata)
        }
        return known
    }

    // MARK: Background work

    /// Places due orders and expires overdue ones until `shutdown()`; sleeps while nothing is
    /// due, waking for a new order or a `nudge()`.
    package func run() async {
        var lastSweep: Date?
        var failing = false
        while !stopping.withLock({ $0 }) {
            do {
                let now = clock()
                if lastSweep.map({ now.timeIntervalSince($0) >= settings.expiryCheckInterval }) ?? true {
                    lastSweep = now
                    if try await sweeping.isHeld(now: now) {
                        try await sweepOnce()
                    }
                }
                let placed = try await placeOnce()
                if failing {
                    logger.notice("PROMs orders: the store works again")
                    failing = false
                }
                if placed > 0 { continue }
                // At most a second: the clock may be moved by hand, and the sweep has its own time.
                let next = try await store.nextPromsAttempt() ?? now.addingTimeInterval(1)
                let wait = max(0, min(1, next.timeIntervalSince(clock())))
                if wait > 0 { await wake.wait(timeout: .milliseconds(Int(wait * 1000) + 1)) }
            } catch {
                if !failing {
                    logger.error("PROMs orders cannot use the store; retrying", metadata: ["error": "\(error)"])
                    failing = true
                }
                await wake.wait(timeout: .seconds(1))
            }
        }
        logger.info("PROMs orders stopped")
    }

    /// Looks at due orders and the expiry check now: after the clock moved (tests).
    package func nudge() {
        wake.signal()
    }

    /// Stops `run()` after the placements in flight are recorded.
    package func shutdown() {
        stopping.withLock { $0 = true }
        wake.signal()
    }

    /// Places the orders due now, a few at once, and records each outcome as it comes, while
    /// this instance holds the placing lease: a round can outlast the lease (each placement may
    /// take the request timeout), so the hold is renewed order by order and a round whose hold
    /// is lost stops. Returns how many it placed; throws when an outcome could not be recorded
    /// (or the store could not say who places), so that the loop waits before it tries again.
    @discardableResult
    package func placeOnce() async throws(StoreError) -> Int {
        let now = clock()
        let due = try await store.duePromsOrders(now: now, limit: 100)
        let outcome = await withTaskGroup(of: StoreError?.self) { group in
            var inFlight = 0
            var unrecorded: StoreError?
            var placed = 0
            for order in due {
                if inFlight == settings.concurrentPlacements, let done = await group.next() {
                    unrecorded = unrecorded ?? done
                    inFlight -= 1
                }
                do throws(StoreError) {
                    guard try await placing.isHeld(now: clock()) else { break }
                } catch {
                    unrecorded = unrecorded ?? error
                    break
                }
                group.addTask { await self.place(order, now: now) }
                inFlight += 1
                placed += 1
            }
            for await done in group { unrecorded = unrecorded ?? done }
            return (placed, unrecorded)
        }
        if let unrecorded = outcome.1 { throw unrecorded }
        return outcome.0
    }

    /// Expires the orders left without an answer a day past their expiry date, and forgets
    /// finished ones past retention.
    package func sweepOnce() async throws(StoreError) {
        let now = clock()
        let batch = 500
        var expired = 0
        var count = batch
        while count == batch {
            count = try await store.expirePromsOrders(
                endedBefore: now.addingTimeInterval(-settings.expiryGrace), now: now, pushExpiry: settings.pushExpiry,
                limit: batch)
            expired += count
        }
        if expired > 0 {
            logger.notice("PROMs orders expired without an answer", metadata: ["orders": "\(expired)"])
            pushed()
        }
        let pruned = try await store.prunePromsOrders(finishedBefore: now.addingTimeInterval(-settings.retention))
        if pruned > 0 { logger.info("pruned PROMs orders", metadata: ["orders": "\(pruned)"]) }
    }

    /// Sends one order and records the outcome; the store's error when it could not. A store
    /// that cannot record it leaves the order due: it is sent again with the same idempotency
    /// key, which the service answers with the same order.
    private func place(_ order: DuePromsOrder, now: Date) async -> StoreError? {
        var metadata: Logger.Metadata = [
            "proms_order_id": "\(order.id)", "registerHerId": "\(order.registerHerId)", "attempt": "\(order.attempts + 1)",
        ]
        let result: PromsPlacementResult
        switch order.request {
        case .failure(let damage):
            result = .failed(reason: "the stored order is damaged: \(damage.reason)")
        case .success where now >= order.deadline:
            result = .failed(reason: "not placed before the end of its expiry date"
                + (order.lastError.map { "; last error: \($0)" } ?? ""))
        case .success(let request):
            let placement = await client.place(request)
            let answered = clock()
            result = switch placement {
            case .ordered(let formOrderId, let channel):
                .ordered(formOrderId: formOrderId, notificationChannel: channel)
            case .unknownPatient:
                .failed(reason: "the PROMs service does not know the patient; it created no order")
            case .refused(let reason):
                .failed(reason: reason)
            case .unavailable(let error):
                .retry(error: error, nextAttempt: min(
                    order.deadline, answered.addingTimeInterval(settings.retry.delay(afterAttempt: order.attempts + 1, random: random()))))
            }
        }
        switch result {
        case .ordered(let formOrderId, _):
            metadata["form_order_id"] = "\(LogSafe.text(formOrderId))"
            logger.info("PROMs order placed", metadata: metadata)
        case .failed(let reason):
            metadata["reason"] = "\(LogSafe.text(reason))"
            logger.warning("PROMs order failed", metadata: metadata)
        case .retry(let error, let next):
            metadata["error"] = "\(LogSafe.text(error))"
            metadata["next_attempt"] = "\(Timestamp.format(next))"
            logger.warning("PROMs service unavailable; will retry", metadata: metadata)
        }
        do {
            try await store.recordPromsPlacement(result, of: order.id, now: clock(), pushExpiry: settings.pushExpiry)
            if case .retry = result { return nil }
            pushed()
            return nil
        } catch {
            metadata["error"] = "\(error)"
            logger.error("PROMs placement not recorded; the order will be sent again", metadata: metadata)
            return error
        }
    }
}

import Foundation
import Logging
import Synchronization

/// Delivers the event log to its subscribers (events.md §4): each event published once to the
/// topic exchange for the subscribers bound to it, directly to the queues of subscribers whose
/// filter names covered HER-ids, and POSTed to webhook subscribers.
///
/// Every delivery row belongs to a lane (a subscriber and a citizen) and only the oldest row
/// of a lane is sent, so a citizen's events arrive in order however often one is retried, and
/// a subscriber that fails holds back only its own lanes. The broker and the webhooks have
/// a loop each, so a slow endpoint never delays the queues.
package final class EventDispatcher: Sendable {
    private let store: any HubStore
    private let transport: any OutboundTransport
    private let topology: (any EventTopology)?
    private let retry: Backoff
    private let batchSize: Int
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let random: @Sendable () -> Double
    /// The bindings applied per subscriber queue since this process started.
    private let applied = Mutex<[Int: [String]]>([:])
    private let topologyFailing = Mutex(false)
    /// One instance of a fleet delivers events, so that each subscriber gets its own in order.
    private let lease: FleetLease

    package init(
        store: any HubStore, transport: any OutboundTransport, topology: (any EventTopology)?, retry: Backoff,
        batchSize: Int = 1000, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        lease = FleetLease(.eventDelivery, length: 120, store: store)
        self.transport = transport
        self.topology = topology
        self.retry = retry
        self.batchSize = max(1, batchSize)
        self.logger = logger
        self.clock = clock
        self.random = random
    }

    /// How often a loop that does not hold the lease looks again.
    static let leaseCheck: Duration = .seconds(10)
    /// Webhook deliveries sent between two looks at the lease. A pass may take long (up to a
    /// POST timeout per wave of concurrent POSTs): the lease is renewed as it goes, and a pass
    /// whose lease was lost stops. 64 is four waves of the webhook transport's 16, at most
    /// 40 s against its 10 s timeout, well within the 120 s lease. The broker's sends are
    /// quick and pipelined: a whole batch goes at once.
    static let webhookChunk = 64

    /// Runs both loops until `shouldStop`; each wakes on its signal or when a retry falls due.
    func run(brokerWake: WakeSignal, webhookWake: WakeSignal, shouldStop: @escaping @Sendable () -> Bool) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.loop(webhooks: false, wake: brokerWake, shouldStop: shouldStop) }
            group.addTask { await self.loop(webhooks: true, wake: webhookWake, shouldStop: shouldStop) }
        }
    }

    private func loop(webhooks: Bool, wake: WakeSignal, shouldStop: @Sendable () -> Bool) async {
        var storeFailures = 0
        while !shouldStop() {
            let wait: Duration
            do throws(StoreError) {
                guard try await lease.isHeld(now: clock()) else {
                    await wake.wait(timeout: Self.leaseCheck)
                    continue
                }
                let sent = try await pass(webhooks: webhooks)
                storeFailures = 0
                if sent == batchSize { continue }
                wait = try await untilNextDue(webhooks: webhooks)
            } catch {
                storeFailures += 1
                if storeFailures == 1 {
                    logger.error("event delivery cannot use the store; trying again",
                                 metadata: ["error": "\(error.description)"])
                }
                wait = retry.duration(afterAttempt: storeFailures)
            }
            await wake.wait(timeout: wait)
        }
    }

    /// One batch: what is due, sent, and recorded. Webhook batches go in chunks with a look at
    /// the lease between them, and stop once it is another instance's. Returns how many rows
    /// it sent.
    @discardableResult
    package func pass(webhooks: Bool) async throws(StoreError) -> Int {
        var upTo = Int64.max
        if !webhooks {
            let (subscriptions, end) = try await store.subscriptionsAndLogEnd()
            // What was appended up to `end` knew these subscriptions: with their queues bound
            // first, an exchange publish cannot miss a new subscriber.
            guard await applyTopology(subscriptions) else { return 0 }
            upTo = end
        }
        let now = clock()
        let due = try await store.dueEventDeliveries(webhooks: webhooks, now: now, upTo: upTo, limit: batchSize)
        guard !due.isEmpty else { return 0 }
        var attempted: [(delivery: EventDelivery, outcome: SendOutcome)] = []
        var leaseFailure: StoreError?
        let chunkSize = webhooks ? Self.webhookChunk : due.count
        for start in stride(from: 0, to: due.count, by: chunkSize) {
            if start > 0 {
                do throws(StoreError) {
                    guard try await lease.isHeld(now: clock()) else { break }
                } catch {
                    leaseFailure = error
                    break
                }
            }
            let chunk = due[start..<min(start + chunkSize, due.count)]
            let outcomes = await transport.send(chunk.map(envelope))
            for (index, delivery) in chunk.enumerated() {
                attempted.append((delivery, index < outcomes.count ? outcomes[index] : .transientFailure("no outcome from the transport")))
            }
        }
        var delivered: [EventDelivery] = []
        var failed: [(delivery: EventDelivery, retryAt: Date, error: String)] = []
        for (delivery, outcome) in attempted {
            switch outcome {
            case .sent:
                delivered.append(delivery)
            case .transientFailure(let error), .permanentFailure(let error), .refused(let error):
                // A subscriber must get every event: nothing is given up, a refusal is retried too.
                let delay = retry.delay(afterAttempt: delivery.attempts + 1, random: random())
                failed.append((delivery, now.addingTimeInterval(delay), error))
                if delivery.attempts == 0 {
                    logger.warning("event not delivered; will retry", metadata: [
                        "subscriber": "\(delivery.subscriber)", "event_id": "\(delivery.eventId)",
                        "sequence": "\(delivery.sequence)", "error": "\(error)",
                    ])
                }
            }
        }
        // What was sent is recorded even when the lease could not be read: otherwise it goes again.
        try await store.recordEventDeliveries(delivered: delivered, failed: failed)
        if let leaseFailure { throw leaseFailure }
        return attempted.count
    }

    private func envelope(_ delivery: EventDelivery) -> OutboundEnvelope {
        let properties = MessageProperties(
            messageId: delivery.eventId, contentType: "application/json",
            headers: [
                EventRouting.kindHeader: delivery.kind, EventRouting.actionHeader: delivery.action,
                EventRouting.sequenceHeader: String(delivery.sequence),
            ])
        if delivery.subscriber == EventDelivery.exchangeSubscriber {
            let key = EventRouting.routingKey(kind: delivery.kind, action: delivery.action)
            return OutboundEnvelope(destination: .exchange(EventRouting.exchange, routingKey: key), properties: properties, body: delivery.body)
        }
        if let webhook = delivery.webhook {
            return OutboundEnvelope(destination: .endpoint(webhook), properties: properties, body: delivery.body,
                                    webhook: .document(idempotencyKey: delivery.eventId))
        }
        return OutboundEnvelope(destination: .queue(EventRouting.queue(herId: delivery.subscriber)), properties: properties, body: delivery.body)
    }

    /// Brings the broker's bindings in line with the subscriptions. False while the broker
    /// refuses, and then nothing is published.
    private func applyTopology(_ subscriptions: [EventSubscription]) async -> Bool {
        guard let topology else { return true }
        let wanted = Dictionary(uniqueKeysWithValues: subscriptions.filter { $0.channel == .amqp }.map { ($0.herId, $0.routingKeys ?? []) })
        let current = applied.withLock { $0 }
        for herId in Set(wanted.keys).union(current.keys) where wanted[herId] != current[herId] {
            let bind = wanted[herId] ?? []
            // What this process bound before, else (first time) every pattern a past run may have bound.
            let unbind = (current[herId] ?? EventRouting.allBindings).filter { !bind.contains($0) }
            do {
                try await topology.apply(queue: EventRouting.queue(herId: herId), bind: bind, unbind: unbind)
                applied.withLock { $0[herId] = wanted[herId] }
            } catch {
                if !topologyFailing.withLock({ state in defer { state = true }; return state }) {
                    logger.error("cannot set up an event subscriber's queue; events wait", metadata: [
                        "subscriber": "\(herId)", "queue": "\(EventRouting.queue(herId: herId))", "error": "\(error)",
                    ])
                }
                return false
            }
        }
        if topologyFailing.withLock({ state in defer { state = false }; return state }) {
            logger.notice("event subscribers' queues set up; delivering events")
        }
        return true
    }

    private func untilNextDue(webhooks: Bool) async throws(StoreError) -> Duration {
        guard let next = try await store.nextEventDeliveryDue(webhooks: webhooks) else { return .seconds(2) }
        let seconds = min(2, max(0.01, next.timeIntervalSince(clock())))
        return .milliseconds(Int64(seconds * 1000))
    }
}

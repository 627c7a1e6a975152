import AddressRegistry
import Dialogs
import Foundation
import Logging
import Synchronization

/// Sends what the store holds: due messages in batches (all of a batch in flight at once),
/// recording `sent` only for what the transport confirmed, and scheduling the rest again with
/// back-off until they expire.
///
/// Messages are taken target by target (a lane per receiver queue), starting with a different
/// lane each batch, and a lane whose queue refuses messages is skipped while it backs off, so
/// one receiver's backlog or failure never holds back another's messages.
///
/// With a `CommitHandOff`, what ingress has just committed is sent from memory; the store is
/// looked at when a commit stored something it could not hand over, when signalled, when a
/// look left more behind, and at least once a second for retries that fall due.
package final class Dispatcher: Sendable {
    private let store: any HubStore
    private let transport: any OutboundTransport
    private let registry: RegistryCache
    private let channels: ChannelCache
    private let settings: HubSettings
    private let logger: Logger
    private let metrics: HubMetrics
    private let clock: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let handOff: CommitHandOff?
    private let holds = Mutex(QueueHolds())
    private let lanes = Mutex(Lanes())
    /// Outcomes the store could not record yet. Recorded before anything else is sent, so a
    /// store that cannot write does not make the same messages go out again every second.
    private let unrecorded = Mutex<(results: [DispatchResult], at: Date)?>(nil)
    /// Bodies in flight per batch, at most: large messages make smaller batches, which bounds memory.
    static let batchBytes = 32 * 1024 * 1024
    /// How often the store is looked at, at least, while messages are sent from memory.
    static let storeLookInterval: TimeInterval = 1

    /// The targets that have pending messages, as far as the dispatcher knows.
    private struct Lanes {
        var targets: Set<DeliveryTarget> = [] {
            didSet { if targets != oldValue { ordered = targets.sorted { "\($0)" < "\($1)" } } }
        }
        /// `targets` in a fixed order, so that the rotating start visits every lane in turn.
        private(set) var ordered: [DeliveryTarget] = []
        var highestId: Int64 = 0
        var lastFullScan: Date = .distantPast
        var rotation = 0
    }

    package init(
        store: any HubStore, transport: any OutboundTransport, registry: RegistryCache, channels: ChannelCache = ChannelCache(),
        settings: HubSettings,
        logger: Logger, metrics: HubMetrics = HubMetrics(), clock: @escaping @Sendable () -> Date = Date.init,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, handOff: CommitHandOff? = nil
    ) {
        self.handOff = handOff
        self.store = store
        self.transport = transport
        self.registry = registry
        self.channels = channels
        self.settings = settings
        self.logger = logger
        self.metrics = metrics
        self.clock = clock
        self.random = random
    }

    /// Dispatches until `shouldStop` says so; sleeps while nothing is due, waking on `wake`.
    func run(wake: WakeSignal, shouldStop: @Sendable () -> Bool) async {
        var failingSince: Date?
        // What was accepted before a restart is only in the store.
        var lookAtStore = true
        var lastLook = Date.distantPast
        while !shouldStop() {
            do {
                var handled = 0
                if lookAtStore || wake.takePending() || clock().timeIntervalSince(lastLook) >= Self.storeLookInterval {
                    lastLook = clock()
                    let batch = try await dispatchBatch(handedOver: nil)
                    lookAtStore = batch.more
                    handled = batch.handled
                }
                // Every round, not only when the store has nothing: a backlog in the store
                // (which its looks pass over these for) must not hold back what waits in memory.
                if let handedOver = handOff?.take(limit: settings.dispatchBatchSize, maxBytes: Self.batchBytes),
                   !handedOver.isEmpty {
                    handled += try await dispatchBatch(handedOver: handedOver).handled
                }
                if failingSince != nil {
                    logger.notice("dispatch works again")
                    failingSince = nil
                }
                // Go on at once while there is work: a batch was sent, a look left more due in
                // the store, or messages wait in memory (which the store look passes over, and
                // which make the store's next due time now).
                if handled > 0 || lookAtStore || handOff?.holdsMessages == true { continue }
                // Nothing due until ingress signals or hands over (it did, if it committed
                // meanwhile), or a retry falls due.
                let wait = max(0, min(1, try await nextWake().timeIntervalSince(clock())))
                // A poke means messages in memory; a signal or the time running out, the store.
                if wait > 0, await wake.wait(timeout: .milliseconds(Int(wait * 1000) + 1)) == .poked { continue }
                lookAtStore = true
            } catch {
                if failingSince == nil {
                    logger.error("dispatch cannot use the store; retrying", metadata: ["error": "\(error)"])
                    failingSince = clock()
                }
                await wake.wait(timeout: .seconds(1))
            }
        }
    }

    /// Sends one batch of due messages from the store and records the outcomes. Returns how
    /// many it handled.
    @discardableResult
    package func dispatchOnce() async throws(StoreError) -> Int {
        try await dispatchBatch(handedOver: nil).handled
    }

    /// Sends one batch, of `handedOver` or else from the store; `more` when a look at the store
    /// stopped at its count or size, so more may be due already.
    private func dispatchBatch(handedOver: [DueMessage]?) async throws(StoreError) -> (handled: Int, more: Bool) {
        if let pending = unrecorded.withLock({ $0 }) {
            try await store.recordDispatch(pending.results, now: pending.at)
            unrecorded.withLock { $0 = nil }
        }
        let now = clock()
        let routes = registry.current
        let held = holds.withLock { $0 }
        let due: [DueMessage]
        let more: Bool
        if let handedOver {
            // Their lanes become known, for a retry's look at the store; a lane that is backing
            // off keeps its messages in the store until the look after its hold.
            lanes.withLock { $0.targets.formUnion(handedOver.lazy.map(\.target)) }
            due = handedOver.filter { hold(on: $0.target, routes: routes, held: held, now: now) == nil }
            more = false
        } else {
            (due, more) = try await collectDue(now: now, routes: routes, held: held)
            handOff?.tookFromStore(due.map(\.id))
        }
        guard !due.isEmpty else { return (handedOver?.count ?? 0, false) }
        var results: [DispatchResult] = []
        // Envelopes, and the index in `due` of the message each is for: kept apart, and read by
        // index, because every copy of a message or an envelope retains each of its strings and
        // arrays.
        var envelopes: [OutboundEnvelope] = []
        var sending: [Int] = []
        envelopes.reserveCapacity(due.count)
        sending.reserveCapacity(due.count)
        for position in due.indices {
            let message = due[position]
            if let damage = message.damage {
                results.append(giveUp(message, .failed, reason: "its stored record is damaged (\(damage))", now: now))
                continue
            }
            if message.expiresAt <= now {
                results.append(giveUp(message, .expired, reason: "not sent before its expiry", now: now))
                continue
            }
            switch resolve(message.target, in: routes) {
            case .success(.inbox) where message.kind == .promsUpdate:
                // The register moved to the API since: the notification recorded with the update tells it.
                logger.info("PROMs update not pushed: the register receives over the API", metadata: Self.metadata(message))
                results.append(.givenUp(id: message.id, status: .failed, reason: "the receiver follows its notifications over the API",
                                        deadLetter: nil, notice: nil))
            case .success(.inbox):
                results.append(.madeAvailable(id: message.id))
            case .success(.destination(let destination)):
                var envelope = OutboundEnvelope(
                    destination: destination, properties: message.properties.maskingNationalIds(), body: message.body)
                if case .endpoint = destination {
                    // A PROMs update is the order's JSON, POSTed as it is.
                    envelope.webhook = message.kind == .promsUpdate
                        ? .document(idempotencyKey: message.messageId) : .message(MessageSummary(message))
                }
                envelopes.append(envelope)
                sending.append(position)
            case .failure(let problem):
                results.append(giveUp(message, .failed, reason: problem.reason, now: now))
            }
        }
        let outcomes = envelopes.isEmpty ? [] : await send(envelopes, renewingClaimsOf: due.map(\.id))
        var queueOutcomes: [String: (succeeded: Bool, failure: String?)] = [:]
        for (index, position) in sending.enumerated() {
            let outcome = index < outcomes.count ? outcomes[index] : .transientFailure("no outcome from the transport")
            let message = due[position]
            let queue = envelopes[index].destination.name
            // Built inside the log calls (autoclosures): a sent message at the usual levels builds none.
            func metadata(_ more: Logger.Metadata = [:]) -> Logger.Metadata {
                var metadata = Self.metadata(message).merging(more) { _, added in added }
                metadata["queue"] = "\(queue)"
                return metadata
            }
            var summary = queueOutcomes[queue] ?? (false, nil)
            switch outcome {
            case .sent:
                // A message pushed to a webhook is announced to its receiver, who follows it over REST.
                let pushed = if case .message = envelopes[index].webhook { true } else { false }
                results.append(.sent(id: message.id, announced: pushed, restSender: message.origin == .rest))
                metrics.dispatched(after: now.timeIntervalSince(message.acceptedAt))
                summary.succeeded = true
                logger.debug("sent", metadata: metadata())
            case .transientFailure(let error):
                let delay = settings.retry.delay(afterAttempt: message.attempts + 1, random: random())
                let next = min(now.addingTimeInterval(delay), message.expiresAt)
                results.append(.retry(id: message.id, error: error, nextAttempt: next))
                metrics.retried()
                summary.failure = error
                logger.warning("send failed; will retry", metadata: metadata(["error": "\(error)", "attempt": "\(message.attempts + 1)"]))
            case .permanentFailure(let error):
                results.append(giveUp(message, .failed, reason: error, now: now))
            case .refused(let reason):
                // The endpoint answered: it is reachable, only this message is refused.
                summary.succeeded = true
                results.append(giveUp(message, .rejected, reason: reason, condition: .rejectedByReceiver, now: now))
            }
            queueOutcomes[queue] = summary
        }
        holdBack(queueOutcomes, now: now)
        do {
            try await store.recordDispatch(results, now: now)
            count(results)
        } catch {
            unrecorded.withLock { $0 = (results, now) }
            throw error
        }
        return (due.count, more)
    }

    /// Sends a batch, renewing its claims meanwhile when the store claims (a fleet's): a batch
    /// can outlast a lease, and another instance would then send its messages again. Renewals
    /// keep their schedule from the start of the send, so one that fails or is slow does not
    /// push the next past the lease; when claims lapse all the same, the cost is a second send,
    /// never a loss. A renewal still running when the send ends is not awaited: every recorded
    /// outcome clears the claim or ends the message, so it then changes nothing.
    private func send(_ envelopes: [OutboundEnvelope], renewingClaimsOf ids: [Int64]) async -> [SendOutcome] {
        guard let interval = store.claimRenewal else { return await transport.send(envelopes) }
        let renewal = Task { [store, clock, logger] in
            var next = ContinuousClock.now + .seconds(interval)
            while (try? await Task.sleep(until: next, clock: .continuous)) != nil {
                do {
                    try await store.renewClaims(ids, now: clock())
                } catch {
                    logger.warning("could not renew the claims of a batch still being sent; another instance may send it too",
                                   metadata: ["error": "\(error)", "messages": "\(ids.count)"])
                }
                next = max(next + .seconds(interval), .now)
            }
        }
        defer { renewal.cancel() }
        return await transport.send(envelopes)
    }

    private func count(_ results: [DispatchResult]) {
        var sent = 0
        for result in results {
            switch result {
            case .sent: sent += 1
            case .givenUp(_, let status, _, let draft, _):
                metrics.reached(status)
                if draft != nil { metrics.deadLettered() }
            case .retry, .madeAvailable: break
            }
        }
        metrics.reached(.sent, count: sent)
    }

    /// Up to a batch of due messages, lane by lane from a rotating start, skipping lanes whose
    /// queue is backing off. Learns of new lanes from rows added since the last look, and
    /// rescans all pending rows now and then (replays and other processes add lanes too).
    /// `more` when the batch stopped at its count or size: more may be due than it holds.
    private func collectDue(
        now: Date, routes: AddressRegistry, held: QueueHolds
    ) async throws(StoreError) -> (due: [DueMessage], more: Bool) {
        let fullScan = lanes.withLock { now.timeIntervalSince($0.lastFullScan) >= 10 }
        let known = lanes.withLock { $0.highestId }
        // The lanes are planned inside the store's read, so that finding them and reading their
        // due rows is one read.
        let batch = try await store.collectDue(
            afterId: fullScan ? 0 : known, now: now, limit: settings.dispatchBatchSize, maxBytes: Self.batchBytes,
            skipping: handOff?.heldIds ?? []
        ) { [self] found, highestId in
            let (ordered, start) = lanes.withLock { state -> ([DeliveryTarget], Int) in
                if fullScan {
                    state.targets = found
                    state.lastFullScan = now
                } else {
                    state.targets.formUnion(found)
                }
                state.highestId = max(state.highestId, highestId)
                state.rotation &+= 1
                return (state.ordered, state.rotation)
            }
            metrics.lanesWaiting(ordered.count)
            return ordered.indices.map { ordered[(start + $0) % ordered.count] }.filter {
                hold(on: $0, routes: routes, held: held, now: now) == nil
            }
        }
        return (batch.messages, !batch.hasRoom)
    }

    /// When to look again: the earliest due time of a lane that is not backing off, or the end
    /// of the earliest back-off.
    private func nextWake() async throws(StoreError) -> Date {
        let now = clock()
        let routes = registry.current
        let held = holds.withLock { $0 }
        var earliest = now.addingTimeInterval(1)
        for target in lanes.withLock({ $0.targets }) {
            if let hold = hold(on: target, routes: routes, held: held, now: now) {
                earliest = min(earliest, hold.until)
            } else if let next = try await store.nextDueTime(for: target) {
                earliest = min(earliest, next)
            }
        }
        return earliest
    }

    /// The back-off of the queue `target`'s messages go to, if it is backing off; nil for a
    /// target that is not a queue now (the inbox) or cannot be routed (dispatch says why).
    private func hold(on target: DeliveryTarget, routes: AddressRegistry, held: QueueHolds, now: Date) -> QueueHolds.Hold? {
        guard case .success(.destination(let destination)) = resolve(target, in: routes) else { return nil }
        return held.hold(on: destination.name, at: now)
    }

    /// Updates the per-queue back-off from a batch's outcomes.
    private func holdBack(_ outcomes: [String: (succeeded: Bool, failure: String?)], now: Date) {
        for (queue, outcome) in outcomes where outcome.succeeded || outcome.failure != nil {
            let hold = holds.withLock {
                $0.record(queue: queue, succeeded: outcome.succeeded, failure: outcome.failure, now: now,
                          backoff: settings.retry, random: random())
            }
            guard let hold else { continue }
            logger.warning("queue refuses messages; holding its messages back", metadata: [
                "queue": "\(queue)", "until": "\(Timestamp.format(hold.until))", "error": "\(hold.reason)",
            ])
        }
    }

    private struct Unroutable: Error {
        var reason: String
    }

    /// Where a target's messages go now.
    private enum Route {
        case destination(Destination)
        /// Kept in the store for a party that downloads over REST.
        case inbox
    }

    private func resolve(_ target: DeliveryTarget, in registry: AddressRegistry) -> Result<Route, Unroutable> {
        switch target {
        case .queue(let name):
            return .success(.destination(.queue(name)))
        case .partyAsync(let herId):
            guard let party = registry.party(herId: herId), party.active, party.isValidCommunicationParty else {
                return .failure(Unroutable(reason: "receiver \(herId) is no longer a valid communication party"))
            }
            switch channels.channel(of: herId) {
            case .api: return .success(.inbox)
            case .webhook(let endpoint): return .success(.destination(.endpoint(endpoint)))
            case .amqp:
                guard let queue = party.queue(.async) else {
                    return .failure(Unroutable(reason: "receiver \(herId) has no queue"))
                }
                return .success(.destination(.queue(queue)))
            }
        case .partyError(let herId):
            guard let party = registry.party(herId: herId), let queue = party.queue(.error) else {
                return .failure(Unroutable(reason: "party \(herId) has no error queue"))
            }
            return .success(.destination(.queue(queue)))
        }
    }

    private func giveUp(
        _ message: DueMessage, _ status: MessageStatus, reason: String, condition: ErrorCondition? = nil, now: Date
    ) -> DispatchResult {
        var metadata = Self.metadata(message)
        metadata["reason"] = "\(reason)"
        logger.warning("giving up on message: \(status.rawValue)", metadata: metadata)
        // A dead-letter copy that cannot be placed must not make another dead letter.
        guard message.kind != .deadLetterCopy else {
            return .givenUp(id: message.id, status: status, reason: reason, deadLetter: nil, notice: nil)
        }
        // A message its receiver refused is answered, not kept for a replay that would send it
        // to the same refusal.
        let draft = status == .rejected ? nil : DeadLetterDraft(
            storedMessage: message.id, messageId: message.messageId,
            fromHerId: message.fromHerId.map(String.init), toHerId: message.toHerId.map(String.init),
            messageFunction: message.messageFunction, reason: reason,
            properties: message.properties, body: message.body)
        var notice: NewMessage?
        // A REST sender hears of it through notifications (the store announces the status).
        if message.kind.failuresAreReported, message.origin != .rest, let from = message.fromHerId {
            let condition = condition ?? (status == .expired ? .expired : .deliveryFailed)
            let original = ErrorMessageFactory.Original(
                messageId: message.messageId, fromHerId: from, toHerId: message.toHerId,
                messageFunction: message.messageFunction)
            notice = ErrorMessageFactory(hubHerId: settings.herId, expiry: settings.defaultExpiry)
                .notice(for: original, rejection: Rejection(condition, "Message \(status.rawValue): \(reason)"), now: now)
        }
        return .givenUp(id: message.id, status: status, reason: reason, deadLetter: draft, notice: notice)
    }

    static func metadata(_ message: DueMessage) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["message_id": "\(LogSafe.text(message.messageId))", "kind": "\(message.kind.rawValue)"]
        if let from = message.fromHerId { metadata["fromHerId"] = "\(from)" }
        if let to = message.toHerId { metadata["toHerId"] = "\(to)" }
        return metadata
    }
}

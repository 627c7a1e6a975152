import AddressRegistry
import Foundation
import Logging
import Synchronization

/// Sends what the store holds: due messages in batches (all of a batch in flight at once),
/// recording `sent` only for what the transport confirmed, and scheduling the rest again with
/// back-off until they expire. Each message has its own schedule, so a failing receiver does
/// not hold back messages to anyone else.
public final class Dispatcher: Sendable {
    private let store: HubStore
    private let transport: any OutboundTransport
    private let registry: RegistryCache
    private let settings: HubSettings
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private let backoff = Mutex(QueueBackoff())

    public init(
        store: HubStore, transport: any OutboundTransport, registry: RegistryCache, settings: HubSettings,
        logger: Logger, clock: @escaping @Sendable () -> Date = Date.init,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.transport = transport
        self.registry = registry
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.random = random
    }

    /// Dispatches until `shouldStop` says so; sleeps while nothing is due, waking on `wake`.
    func run(wake: WakeSignal, shouldStop: @Sendable () -> Bool) async {
        var failingSince: Date?
        while !shouldStop() {
            do {
                let handled = try await dispatchOnce()
                if failingSince != nil {
                    logger.notice("dispatch works again")
                    failingSince = nil
                }
                if handled == settings.dispatchBatchSize { continue }
                let next = try await store.nextDueTime()
                let wait = next.map { max(0, min(1, $0.timeIntervalSince(clock()))) } ?? 1
                if wait > 0 { await wake.wait(timeout: .milliseconds(Int(wait * 1000) + 1)) }
            } catch {
                if failingSince == nil {
                    logger.error("dispatch cannot use the store; retrying", metadata: ["error": "\(error)"])
                    failingSince = clock()
                }
                await wake.wait(timeout: .seconds(1))
            }
        }
    }

    /// Sends one batch of due messages and records the outcomes. Returns how many it handled.
    @discardableResult
    public func dispatchOnce() async throws -> Int {
        let now = clock()
        let due = try await store.dueMessages(now: now, limit: settings.dispatchBatchSize)
        guard !due.isEmpty else { return 0 }
        let routes = registry.current
        let blocks = backoff.withLock { $0 }
        var results: [DispatchResult] = []
        var sending: [(message: DueMessage, envelope: OutboundEnvelope)] = []
        for message in due {
            if message.expiresAt <= now {
                results.append(giveUp(message, .expired, reason: "not sent before its expiry", now: now))
                continue
            }
            switch resolve(message.target, in: routes) {
            case .success(let queue):
                if let block = blocks.block(for: queue, at: now) {
                    results.append(.deferred(id: message.id, until: min(block.until, message.expiresAt)))
                } else {
                    sending.append((message, OutboundEnvelope(queue: queue, properties: message.properties, body: message.body)))
                }
            case .failure(let problem):
                results.append(giveUp(message, .failed, reason: problem.reason, now: now))
            }
        }
        let outcomes = sending.isEmpty ? [] : await transport.send(sending.map(\.envelope))
        var queueOutcomes: [String: (succeeded: Bool, failure: String?, herIds: Set<Int>)] = [:]
        for (index, item) in sending.enumerated() {
            let outcome = index < outcomes.count ? outcomes[index] : .transientFailure("no outcome from the transport")
            let message = item.message
            let queue = item.envelope.queue
            var metadata = Self.metadata(message)
            metadata["queue"] = "\(queue)"
            var summary = queueOutcomes[queue] ?? (false, nil, [])
            switch outcome {
            case .sent:
                results.append(.sent(id: message.id))
                summary.succeeded = true
                logger.debug("sent", metadata: metadata)
            case .transientFailure(let error):
                let delay = settings.retry.delay(afterAttempt: message.attempts + 1, random: random())
                let next = min(now.addingTimeInterval(delay), message.expiresAt)
                results.append(.retry(id: message.id, error: error, nextAttempt: next))
                summary.failure = error
                if case .partyAsync(let herId) = message.target { summary.herIds.insert(herId) }
                metadata["error"] = "\(error)"
                metadata["attempt"] = "\(message.attempts + 1)"
                logger.warning("send failed; will retry", metadata: metadata)
            case .permanentFailure(let error):
                results.append(giveUp(message, .failed, reason: error, now: now))
            }
            queueOutcomes[queue] = summary
        }
        try await store.recordDispatch(results, now: now)
        try await holdBack(queueOutcomes, now: now)
        return due.count
    }

    /// Updates the per-queue back-off from a batch, and moves the waiting messages of a queue
    /// that just refused out of the way, so they do not fill the next batches.
    private func holdBack(_ outcomes: [String: (succeeded: Bool, failure: String?, herIds: Set<Int>)], now: Date) async throws {
        for (queue, outcome) in outcomes where outcome.succeeded || outcome.failure != nil {
            let block = backoff.withLock {
                $0.record(queue: queue, succeeded: outcome.succeeded, failure: outcome.failure, now: now,
                          policy: settings.retry, random: random())
            }
            guard let block else { continue }
            logger.warning("queue refuses messages; holding its messages back", metadata: [
                "queue": "\(queue)", "until": "\(Timestamp.format(block.until))", "error": "\(block.reason)",
            ])
            try await store.postpone(asyncTargets: Array(outcome.herIds), until: block.until)
        }
    }

    private struct Unroutable: Error {
        var reason: String
    }

    private func resolve(_ target: DeliveryTarget, in registry: AddressRegistry) -> Result<String, Unroutable> {
        switch target {
        case .queue(let name):
            return .success(name)
        case .partyAsync(let herId):
            guard let party = registry.party(herId: herId), party.canReceive, let queue = party.queue(.async) else {
                return .failure(Unroutable(reason: "receiver \(herId) is no longer a valid communication party"))
            }
            return .success(queue)
        case .partyError(let herId):
            guard let party = registry.party(herId: herId), let queue = party.queue(.error) else {
                return .failure(Unroutable(reason: "party \(herId) has no error queue"))
            }
            return .success(queue)
        }
    }

    private func giveUp(_ message: DueMessage, _ status: MessageStatus, reason: String, now: Date) -> DispatchResult {
        var metadata = Self.metadata(message)
        metadata["reason"] = "\(reason)"
        logger.warning("giving up on message: \(status.rawValue)", metadata: metadata)
        // A dead-letter copy that cannot be placed must not make another dead letter.
        guard message.kind != .deadLetterCopy else {
            return .givenUp(id: message.id, status: status, reason: reason, deadLetter: nil, notice: nil)
        }
        let draft = DeadLetterDraft(
            storedMessage: message.id, messageId: message.messageId,
            fromHerId: message.fromHerId.map(String.init), toHerId: message.toHerId.map(String.init),
            messageFunction: message.messageFunction, reason: reason,
            properties: message.properties, body: message.body)
        var notice: NewMessage?
        if message.kind.failuresAreReported, let from = message.fromHerId {
            let condition: ErrorCondition = status == .expired ? .expired : .deliveryFailed
            let original = ErrorMessageFactory.Original(
                messageId: message.messageId, fromHerId: from, toHerId: message.toHerId.map(String.init),
                messageFunction: message.messageFunction)
            notice = ErrorMessageFactory(hubHerId: settings.herId, expiry: settings.defaultExpiry)
                .notice(for: original, rejection: Rejection(condition, "Message \(status.rawValue): \(reason)"), now: now)
        }
        return .givenUp(id: message.id, status: status, reason: reason, deadLetter: draft, notice: notice)
    }

    static func metadata(_ message: DueMessage) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["message_id": "\(message.messageId)", "kind": "\(message.kind.rawValue)"]
        if let from = message.fromHerId { metadata["fromHerId"] = "\(from)" }
        if let to = message.toHerId { metadata["toHerId"] = "\(to)" }
        return metadata
    }
}

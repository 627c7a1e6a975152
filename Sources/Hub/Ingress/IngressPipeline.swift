import AddressRegistry
import Dialogs
import Foundation
import Logging
import Synchronization

/// Takes submissions from a source batch by batch: checks each, commits the whole batch's
/// decisions in one transaction, and only then settles (acknowledges) the batch.
///
/// While the store cannot write, the batch stays unsettled and the pipeline retries the commit;
/// the source's prefetch limit stops further intake meanwhile, and nothing acknowledged is lost.
package final class IngressPipeline: Sendable {
    private let source: any SubmissionSource
    private let store: any HubStore
    private let validator: IngressValidator
    private let registry: RegistryCache
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let batchLimit: Int
    private let metrics: HubMetrics
    /// Where committed messages go to be sent from memory; nil when the store must be read for them.
    private let handOff: CommitHandOff?
    private let writable = Mutex(true)
    /// The cores the checks may spread over, read once: Foundation reads the cgroup's quota and
    /// CPU set from files on every call, which at a steady 2,200 msg/s was 2 % of hubd's CPU.
    private let cores = ProcessInfo.processInfo.activeProcessorCount
    /// Bodies per transaction, at most: large messages make smaller batches, which bounds memory.
    static let batchBytes = 32 * 1024 * 1024

    /// False while the store cannot write; submissions then stay with their source.
    package var storeWritable: Bool { writable.withLock { $0 } }

    package init(
        source: any SubmissionSource, store: any HubStore, validator: IngressValidator, registry: RegistryCache,
        logger: Logger, batchLimit: Int = 1000, metrics: HubMetrics = HubMetrics(),
        clock: @escaping @Sendable () -> Date = Date.init, handOff: CommitHandOff? = nil
    ) {
        self.handOff = handOff
        self.metrics = metrics
        self.batchLimit = batchLimit
        self.source = source
        self.store = store
        self.validator = validator
        self.registry = registry
        self.logger = logger
        self.clock = clock
    }

    /// Runs until the source's stream ends. `committed` is called after each committed batch,
    /// with what committing it did.
    func run(committed: @Sendable ([IngressOutcome]) -> Void, shouldStop: @Sendable () -> Bool) async {
        let buffer = BatchBuffer<Submission>()
        let stream = source.submissions()
        let feeder = Task {
            for await batch in stream { buffer.append(batch) }
            buffer.finish()
        }
        while let batch = await buffer.take(limit: batchLimit, maxWeight: Self.batchBytes, weight: { $0.body.count }) {
            // A batch left uncommitted at shutdown must stay unacknowledged, and acknowledging a
            // later batch would acknowledge it too (acks are cumulative): stop here.
            guard let outcomes = await handle(batch, shouldStop: shouldStop) else { break }
            committed(outcomes)
        }
        feeder.cancel()
    }

    /// Decides, commits and settles one batch; returns what committing did, nil when it
    /// stopped before committing.
    func handle(_ batch: [Submission], shouldStop: @Sendable () -> Bool) async -> [IngressOutcome]? {
        let now = clock()
        var decisions = await evaluate(batch, registry: registry.current, now: now)
        var outcomes = [IngressOutcome?](repeating: nil, count: batch.count)
        var failures = 0
        // Held from before the first attempt to commit: a look at the store may see the rows
        // before they are handed over.
        let ticket = handOff?.open()
        while true {
            do throws(StoreError) {
                try await commit(&decisions, into: &outcomes, batch, now: now)
                let committed = outcomes.map { $0 ?? .duplicate }
                if let ticket { handOff?.close(ticket, decisions: decisions, outcomes: committed, acceptedAt: now) }
                await source.settle(batch, outcomes: decisions.indices.map { Self.outcome(decisions[$0], committed[$0]) })
                if failures > 0 {
                    writable.withLock { $0 = true }
                    logger.notice("store writes again; taking submissions")
                    await source.resume()
                }
                log(batch, decisions, committed)
                return committed
            } catch {
                failures += 1
                if failures == 1 {
                    writable.withLock { $0 = false }
                    logger.error(
                        "store cannot write; consumption paused, submissions stay unacknowledged until it can",
                        metadata: ["error": "\(LogSafe.text(error.description))", "held": "\(batch.count)"])
                    await source.pause()
                }
                if shouldStop() {
                    if let ticket { handOff?.abandon(ticket) }
                    return nil
                }
                try? await Task.sleep(for: Self.storeRetry.duration(afterAttempt: failures))
            }
        }
    }

    /// How long ingress waits before trying a store that cannot write again.
    static let storeRetry = Backoff(initialDelay: 0.2, maximumDelay: 5)

    /// Commits the decisions not committed yet, in one transaction. When the store refuses that
    /// transaction for good (a constraint or encoding error in one row, not a full disk), the
    /// decisions are committed one by one to find the one it refuses, which then becomes a dead
    /// letter so that ingress goes on. Throws only transient errors: what is left is retried.
    private func commit(
        _ decisions: inout [IngressDecision], into outcomes: inout [IngressOutcome?], _ batch: [Submission], now: Date
    ) async throws(StoreError) {
        let pending = outcomes.indices.filter { outcomes[$0] == nil }
        do {
            // The decisions themselves when none is committed yet (the usual case): a new array
            // would copy each, message and all.
            let committed = try await store.commitIngress(
                pending.count == decisions.count ? decisions : pending.map { decisions[$0] }, now: now)
            for (index, outcome) in zip(pending, committed) { outcomes[index] = outcome }
            return
        } catch where error.isTransient {
            throw error
        } catch {
            logger.warning("store refused a batch of submissions; committing them one by one",
                           metadata: ["error": "\(LogSafe.text(error.description))", "submissions": "\(pending.count)"])
        }
        for index in pending {
            // The decision, else a dead letter with the submission's content, else one without:
            // the first the store takes. If it takes none, the store itself is broken.
            var refusal: StoreError?
            for keepContent in [nil, true, false] {
                if let keepContent, let refusal {
                    decisions[index] = .deadLetter(
                        storeRefusal(batch[index], error: refusal, keepContent: keepContent), acceptedKey: nil)
                    logger.error("store refused a submission; keeping it as a dead letter",
                                 metadata: Self.metadata(batch[index]).merging(["error": "\(LogSafe.text(refusal.description))"]) { $1 })
                }
                do {
                    outcomes[index] = try await store.commitIngress([decisions[index]], now: now).first
                    refusal = nil
                    break
                } catch where error.isTransient {
                    throw error
                } catch {
                    refusal = error
                }
            }
            if let refusal { throw StoreError(refusal.operation, kind: .transient, underlying: refusal.underlying) }
        }
    }

    /// A dead letter for a submission the store refused to keep as decided.
    private func storeRefusal(_ submission: Submission, error: StoreError, keepContent: Bool) -> DeadLetterDraft {
        let headers = submission.properties.headers
        let fromHerId = HerId.parse(headers[HeaderName.fromHerId]).map(String.init)
        let toHerId = HerId.parse(headers[HeaderName.toHerId]).map(String.init)
        let messageId = SubmissionFields.displayMessageId(submission.properties.messageId)
        let reason = "the store refused it: \(error.underlying)" + (keepContent ? "" : " (its content could not be kept)")
        var draft = DeadLetterDraft(
            messageId: messageId, fromHerId: fromHerId, toHerId: toHerId,
            messageFunction: nil, reason: reason,
            properties: keepContent ? submission.properties : MessageProperties(messageId: messageId),
            body: keepContent ? submission.body : [])
        // A redelivery (a crash before the acknowledgement) must not make a second one. The last
        // resort goes without the key: the key is the raw `message_id` and `fromHerId`, and may be
        // what the store refused (a NUL byte, or more than PostgreSQL's index takes), which would
        // hold ingress for good. A second content-less dead letter after a crash is the lesser harm.
        if keepContent {
            draft.duplicateKey = submission.properties.messageId.map {
                DuplicateKey.deadLetter(fromHeader: headers[HeaderName.fromHerId], messageId: $0)
            }
        }
        return draft
    }

    /// The checks are CPU work (parsing, schema validation): spread a large batch over the cores.
    private func evaluate(_ batch: [Submission], registry: AddressRegistry, now: Date) async -> [IngressDecision] {
        let validator = self.validator
        let workers = min(cores, max(1, batch.count / 8))
        guard workers > 1 else { return batch.map { validator.evaluate($0, registry: registry, now: now) } }
        let chunk = (batch.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [IngressDecision]).self) { group in
            for start in stride(from: 0, to: batch.count, by: chunk) {
                // The batch is shared and read by index: a slice copied into an array, or a loop
                // variable, would copy every submission.
                let range = start..<min(start + chunk, batch.count)
                group.addTask {
                    var decisions: [IngressDecision] = []
                    decisions.reserveCapacity(range.count)
                    for index in range { decisions.append(validator.evaluate(batch[index], registry: registry, now: now)) }
                    return (start, decisions)
                }
            }
            var parts: [(Int, [IngressDecision])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// What the source hears about a submission. One switch per value: a switch over the pair
    /// would copy the decision, message and all.
    static func outcome(_ decision: IngressDecision, _ committed: IngressOutcome) -> SubmissionOutcome {
        switch committed {
        case .duplicate: .duplicate
        case .eventRecorded(let sequence, _): .recorded(sequence: sequence)
        case .eventRefused(let rejection): .refused(rejection)
        case .accepted: if case .accept(let message) = decision { .accepted(messageId: message.messageId) } else { .deadLettered }
        case .rejected: if case .reject(let rejection, _, _) = decision { .refused(rejection) } else { .deadLettered }
        case .deadLettered: .deadLettered
        }
    }

    /// Log metadata of a submission: only well-formed values, as wire contract §2 asks ("a
    /// malformed value is never copied … into its log"); a malformed one is named as such.
    static func metadata(_ submission: Submission) -> Logger.Metadata {
        let properties = submission.properties
        func shown(_ value: String?, wellFormed: (String) -> Bool) -> Logger.MetadataValue {
            guard let value else { return "-" }
            return wellFormed(value) ? "\(value)" : "(malformed)"
        }
        return [
            "message_id": shown(properties.messageId, wellFormed: SubmissionFields.isWellFormedMessageId),
            "fromHerId": shown(properties.headers[HeaderName.fromHerId]) { HerId.parse($0) != nil },
            "toHerId": shown(properties.headers[HeaderName.toHerId]) { HerId.parse($0) != nil },
        ]
    }

    /// Metadata is built inside each log call (swift-log takes it as an autoclosure), so that a
    /// batch at the usual levels builds none for the messages it does not log. By index, one
    /// switch per value: a loop variable or a switch over a pair would copy every decision and
    /// submission, message and all.
    private func log(_ batch: [Submission], _ decisions: [IngressDecision], _ outcomes: [IngressOutcome]) {
        var accepted = 0
        for index in decisions.indices {
            if case .duplicate = outcomes[index] {
                logger.info("duplicate submission dropped", metadata: Self.metadata(batch[index]))
                continue
            }
            switch decisions[index] {
            case .reject(let rejection, _, _):
                metrics.refused(rejection.condition)
                logger.warning(
                    "submission rejected: \(LogSafe.text(rejection.description))",
                    metadata: Self.metadata(batch[index], ["errorCondition": "\(rejection.condition.rawValue)"]))
            case .deadLetter(let draft, _):
                metrics.deadLettered()
                logger.warning("submission dead-lettered: \(LogSafe.text(draft.reason))", metadata: Self.metadata(batch[index]))
            case .event(let draft):
                switch outcomes[index] {
                case .eventRecorded(let sequence, let new):
                    logger.debug(
                        new ? "event appended" : "event seen before; not appended again",
                        metadata: Self.metadata(batch[index], ["event_id": "\(draft.event.eventId)", "sequence": "\(sequence)"]))
                case .eventRefused(let rejection):
                    metrics.refused(rejection.condition)
                    logger.warning(
                        "event refused: \(LogSafe.text(rejection.description))",
                        metadata: Self.metadata(batch[index], ["errorCondition": "\(rejection.condition.rawValue)"]))
                default:
                    break
                }
            case .accept(let message):
                guard case .accepted(_, let correlated) = outcomes[index] else { break }
                accepted += 1
                if correlated == true, case .appRec(_, _, _, let status) = message.correlation { metrics.reached(status) }
                if correlated == false {
                    logger.info("receipt for an unknown original; routed anyway", metadata: Self.metadata(batch[index]))
                } else {
                    logger.debug("submission accepted", metadata: Self.metadata(batch[index]))
                }
            }
        }
        if accepted > 0 { metrics.reached(.accepted, count: accepted) }
    }

    private static func metadata(_ submission: Submission, _ more: Logger.Metadata) -> Logger.Metadata {
        metadata(submission).merging(more) { _, added in added }
    }
}

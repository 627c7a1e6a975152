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
    private let store: HubStore
    private let validator: IngressValidator
    private let registry: RegistryCache
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let batchLimit: Int
    private let writable = Mutex(true)
    /// Bodies per transaction, at most: large messages make smaller batches, which bounds memory.
    static let batchBytes = 32 * 1024 * 1024

    /// False while the store cannot write; submissions then stay with their source.
    package var storeWritable: Bool { writable.withLock { $0 } }

    package init(
        source: any SubmissionSource, store: HubStore, validator: IngressValidator, registry: RegistryCache,
        logger: Logger, batchLimit: Int = 1000, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.batchLimit = batchLimit
        self.source = source
        self.store = store
        self.validator = validator
        self.registry = registry
        self.logger = logger
        self.clock = clock
    }

    /// Runs until the source's stream ends. `committed` is called after each committed batch.
    func run(committed: @Sendable () -> Void, shouldStop: @Sendable () -> Bool) async {
        let buffer = BatchBuffer<Submission>()
        let stream = source.submissions()
        let feeder = Task {
            for await batch in stream { buffer.append(batch) }
            buffer.finish()
        }
        while let batch = await buffer.take(limit: batchLimit, maxWeight: Self.batchBytes, weight: { $0.body.count }) {
            // A batch left uncommitted at shutdown must stay unacknowledged, and acknowledging a
            // later batch would acknowledge it too (acks are cumulative): stop here.
            guard await handle(batch, shouldStop: shouldStop) else { break }
            committed()
        }
        feeder.cancel()
    }

    /// Decides, commits and settles one batch. False when it stopped before committing.
    func handle(_ batch: [Submission], shouldStop: @Sendable () -> Bool) async -> Bool {
        let now = clock()
        let decisions = await evaluate(batch, registry: registry.current, now: now)
        var failingSince: Date?
        var delay = Duration.milliseconds(200)
        while true {
            do {
                let outcomes = try await store.commitIngress(decisions, now: now)
                await source.settle(batch)
                if failingSince != nil {
                    writable.withLock { $0 = true }
                    logger.notice("store writes again; taking submissions")
                    await source.resume()
                }
                log(batch, decisions, outcomes)
                return true
            } catch {
                if failingSince == nil {
                    failingSince = now
                    writable.withLock { $0 = false }
                    logger.error(
                        "store cannot write; consumption paused, submissions stay unacknowledged until it can",
                        metadata: ["error": "\(error)", "held": "\(batch.count)"])
                    await source.pause()
                }
                if shouldStop() { return false }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// The checks are CPU work (parsing, schema validation): spread a large batch over the cores.
    private func evaluate(_ batch: [Submission], registry: AddressRegistry, now: Date) async -> [IngressDecision] {
        let validator = self.validator
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, batch.count / 8))
        guard workers > 1 else { return batch.map { validator.evaluate($0, registry: registry, now: now) } }
        let chunk = (batch.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [IngressDecision]).self) { group in
            for start in stride(from: 0, to: batch.count, by: chunk) {
                let slice = Array(batch[start..<min(start + chunk, batch.count)])
                group.addTask { (start, slice.map { validator.evaluate($0, registry: registry, now: now) }) }
            }
            var parts: [(Int, [IngressDecision])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    private func log(_ batch: [Submission], _ decisions: [IngressDecision], _ outcomes: [IngressOutcome]) {
        for (index, decision) in decisions.enumerated() {
            let headers = batch[index].properties.headers
            var metadata: Logger.Metadata = ["message_id": "\(batch[index].properties.messageId ?? "")"]
            if let from = headers[HeaderName.fromHerId] { metadata["fromHerId"] = "\(from)" }
            if let to = headers[HeaderName.toHerId] { metadata["toHerId"] = "\(to)" }
            switch (decision, outcomes[index]) {
            case (.reject(let rejection, _), _):
                metadata["errorCondition"] = "\(rejection.condition.rawValue)"
                logger.warning("submission rejected: \(NationalIdMask.mask(rejection.description))", metadata: metadata)
            case (.deadLetter(let draft), _):
                logger.warning("submission dead-lettered: \(NationalIdMask.mask(draft.reason))", metadata: metadata)
            case (_, .duplicate):
                logger.info("duplicate submission dropped", metadata: metadata)
            case (_, .accepted(_, let correlated)):
                if correlated == false {
                    logger.info("receipt for an unknown original; routed anyway", metadata: metadata)
                } else {
                    logger.debug("submission accepted", metadata: metadata)
                }
            default:
                break
            }
        }
    }
}

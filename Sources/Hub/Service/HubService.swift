import Dialogs
import Foundation
import Logging
import Synchronization

/// The hub: ingress from a submission source into the store, and dispatch from the store to a
/// transport, with the registry kept current. Transports are given to it; it knows none.
///
/// ```swift
/// let hub = HubService(settings: settings, store: store, source: consumer, transport: publisher,
///                      schemas: try DialogSchemas.loadBundled(), logger: logger)
/// try await hub.run()          // until `shutdown()`
/// ```
package final class HubService: Sendable {
    package let store: HubStore
    package let registry: RegistryCache
    private let source: any SubmissionSource
    private let ingress: IngressPipeline
    private let dispatcher: Dispatcher
    private let wake = WakeSignal()
    private let refreshWake = WakeSignal()
    private let stopping = Mutex(false)
    private let logger: Logger
    private let settings: HubSettings
    private let clock: @Sendable () -> Date

    package init(
        settings: HubSettings, store: HubStore, source: any SubmissionSource, transport: any OutboundTransport,
        schemas: DialogSchemas, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init
    ) {
        let registry = RegistryCache()
        self.store = store
        self.registry = registry
        self.source = source
        self.logger = logger
        self.settings = settings
        self.clock = clock
        ingress = IngressPipeline(
            source: source, store: store, validator: IngressValidator(settings: settings, schemas: schemas),
            registry: registry, logger: logger, batchLimit: settings.ingressBatchLimit, clock: clock)
        dispatcher = Dispatcher(
            store: store, transport: transport, registry: registry, settings: settings, logger: logger, clock: clock)
    }

    /// Runs until `shutdown()` (or until the source ends). Messages accepted before a previous
    /// stop are dispatched from the store first thing.
    package func run() async throws {
        try await registry.refresh(from: store)
        logger.info("registry loaded", metadata: ["parties": "\(registry.current.count)"])
        let isStopping: @Sendable () -> Bool = { [self] in stopping.withLock { $0 } }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [dispatcher, wake] in await dispatcher.run(wake: wake, shouldStop: isStopping) }
            group.addTask { [self] in await self.housekeeping(shouldStop: isStopping) }
            await ingress.run(committed: { [wake] in wake.signal() }, shouldStop: isStopping)
            // Ingress has drained and settled what it took; let dispatch finish its batch and stop.
            stopping.withLock { $0 = true }
            wake.signal()
            refreshWake.signal()
            await group.waitForAll()
        }
        logger.info("hub stopped")
    }

    /// Looks at due work now instead of at the next poll: after the clock given to the hub
    /// moved (tests), or after another process changed the store (a replay, an import).
    package func nudge() {
        wake.signal()
        refreshWake.signal()
    }

    /// Ready to take submissions: false while the store cannot write.
    package var isReady: Bool { ingress.storeWritable }

    /// Stops taking submissions; `run()` returns once what was taken is committed and settled
    /// and the dispatch batch in flight is recorded.
    package func shutdown() async {
        logger.info("shutting down: no new submissions")
        stopping.withLock { $0 = true }
        await source.stop()
        wake.signal()
        refreshWake.signal()
    }

    /// Keeps the registry current (every 2 s) and prunes what retention allows (every 10 min).
    private func housekeeping(shouldStop: @Sendable () -> Bool) async {
        var lastPrune: Date?
        while !shouldStop() {
            do {
                if try await registry.refresh(from: store) {
                    logger.notice("registry reloaded", metadata: ["parties": "\(registry.current.count)"])
                }
            } catch {
                logger.warning("registry reload failed; keeping the loaded one", metadata: ["error": "\(error)"])
            }
            let now = clock()
            if lastPrune.map({ now.timeIntervalSince($0) >= 600 }) ?? true {
                lastPrune = now
                do {
                    let removed = try await store.prune(
                        duplicateKeysBefore: now.addingTimeInterval(-settings.duplicateRetention),
                        messagesBefore: now.addingTimeInterval(-settings.messageRetention))
                    if removed > 0 { logger.info("pruned the store", metadata: ["rows": "\(removed)"]) }
                } catch {
                    logger.warning("pruning failed; will try again", metadata: ["error": "\(error)"])
                }
            }
            await refreshWake.wait(timeout: .seconds(2))
        }
    }
}

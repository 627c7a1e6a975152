import Dialogs
import Foundation
import Logging
import Synchronization

/// The hub: ingress from submission sources into the store, and dispatch from the store to a
/// transport, with the registry and the delivery channels kept current and answer deadlines
/// watched. Transports and sources
/// are given to it; it knows none of them.
///
/// ```swift
/// let hub = HubService(settings: settings, store: store, sources: [consumer], transport: publisher,
///                      schemas: try DialogSchemas.loadBundled(), logger: logger)
/// try await hub.run()          // until `shutdown()`
/// ```
package final class HubService: Sendable {
    package let store: any HubStore
    package let registry: RegistryCache
    package let channels: ChannelCache
    private let validator: IngressValidator
    private let dispatcher: Dispatcher
    /// What ingress commits goes to the dispatcher in memory; nil for a fleet's store.
    private let handOff: CommitHandOff?
    private let events: EventDispatcher
    private let conversations: ConversationWatch
    /// One instance of a fleet prunes; its hold outlasts three rounds of ten minutes.
    private let retention: FleetLease
    private let wake = WakeSignal()
    private let eventWake = WakeSignal()
    private let webhookEventWake = WakeSignal()
    private let refreshWake = WakeSignal()
    private let conversationWake = WakeSignal()
    /// Signalled whenever a source's pipeline has ended, for `detach`.
    private let pipelineEnded = WakeSignal()
    private let stopping = Mutex(false)
    private let logger: Logger
    package let settings: HubSettings
    private let clock: @Sendable () -> Date
    private let metrics: HubMetrics
    /// Every source's pipeline, one per source; ingress runs each until its source ends.
    private let pipelines = Mutex<[(source: any SubmissionSource, pipeline: IngressPipeline)]>([])
    private let attached: (stream: AsyncStream<IngressPipeline>, continuation: AsyncStream<IngressPipeline>.Continuation)

    package init(
        settings: HubSettings, store: any HubStore, sources: [any SubmissionSource], transport: any OutboundTransport,
        schemas: DialogSchemas, eventTopology: (any EventTopology)? = nil, logger: Logger, metrics: HubMetrics = HubMetrics(),
        clock: @escaping @Sendable () -> Date = Date.init
    ) {
        self.metrics = metrics
        let registry = RegistryCache(clock: clock)
        let channels = ChannelCache()
        self.store = store
        self.registry = registry
        self.channels = channels
        self.logger = logger
        self.settings = settings
        self.clock = clock
        validator = IngressValidator(settings: settings, schemas: schemas, channels: channels)
        let handOff = store.handsOffCommits
            ? CommitHandOff(wake: wake, capacity: 2 * settings.dispatchBatchSize, maxBytes: Dispatcher.batchBytes) : nil
        self.handOff = handOff
        dispatcher = Dispatcher(
            store: store, transport: transport, registry: registry, channels: channels, settings: settings,
            logger: logger, metrics: metrics, clock: clock, handOff: handOff)
        events = EventDispatcher(
            store: store, transport: transport, topology: eventTopology, retry: settings.retry,
            batchSize: settings.dispatchBatchSize, logger: logger, clock: clock)
        conversations = ConversationWatch(store: store, settings: settings, logger: logger, clock: clock)
        retention = FleetLease(.retention, length: 1800, store: store)
        attached = AsyncStream<IngressPipeline>.makeStream()
        for source in sources { attach(source) }
    }

    /// Runs until `shutdown()`. Messages accepted before a previous stop are dispatched from
    /// the store first thing.
    package func run() async throws {
        try await registry.refresh(from: store)
        try await channels.refresh(from: store)
        logger.info("registry loaded", metadata: ["parties": "\(registry.current.count)"])
        let isStopping: @Sendable () -> Bool = { [self] in stopping.withLock { $0 } }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [dispatcher, wake] in await dispatcher.run(wake: wake, shouldStop: isStopping) }
            group.addTask { [self] in await self.housekeeping(shouldStop: isStopping) }
            group.addTask { [events, eventWake, webhookEventWake] in
                await events.run(brokerWake: eventWake, webhookWake: webhookEventWake, shouldStop: isStopping)
            }
            group.addTask { [conversations, conversationWake] in
                await conversations.run(wake: conversationWake, shouldStop: isStopping)
            }
            await withTaskGroup(of: Void.self) { ingress in
                for await pipeline in attached.stream {
                    ingress.addTask { [self, wake, eventWake, webhookEventWake, handOff] in
                        await pipeline.run(committed: { outcomes in
                            // A hand-off wakes dispatch itself, and says whether the store holds more.
                            if handOff == nil { wake.signal() }
                            // Event delivery looks for work only when the log grew: a batch of
                            // messages would wake its two loops to find nothing, every time.
                            if outcomes.contains(where: \.appendedEvent) {
                                eventWake.signal()
                                webhookEventWake.signal()
                            }
                        }, shouldStop: isStopping)
                        pipelines.withLock { $0.removeAll { $0.pipeline === pipeline } }
                        pipelineEnded.signal()
                    }
                }
            }
            // Ingress has drained and settled what it took; let dispatch finish its batch and stop.
            stopping.withLock { $0 = true }
            wakeAll()
            await group.waitForAll()
        }
        logger.info("hub stopped")
    }

    /// Takes submissions from one more source (a party's own queue in gateway mode), until
    /// that source ends (its `stop()`), or the hub stops.
    package func attach(_ source: any SubmissionSource) {
        let pipeline = IngressPipeline(
            source: source, store: store, validator: validator, registry: registry, logger: logger,
            batchLimit: settings.ingressBatchLimit, metrics: metrics, clock: clock, handOff: handOff)
        let accepted = pipelines.withLock { pipelines -> Bool in
            guard !stopping.withLock({ $0 }) else { return false }
            pipelines.append((source, pipeline))
            return true
        }
        guard accepted else { return }
        attached.continuation.yield(pipeline)
    }

    /// Stops taking submissions from `source` (one given to `attach`) and waits, at most
    /// `timeout`, until ingress has committed and settled everything it took from it: only then
    /// can the source's consumer be closed without the broker offering those messages again
    /// (the gateway lets a party's queue go this way). False when the wait ran out, as it does
    /// while the store cannot write.
    package func detach(_ source: some SubmissionSource & AnyObject, timeout: Duration) async -> Bool {
        await source.stop()
        let deadline = ContinuousClock.now + timeout
        while pipelines.withLock({ $0.contains { ($0.source as AnyObject) === source } }) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            await pipelineEnded.wait(timeout: left)
        }
        return true
    }

    /// Looks at due work now instead of at the next poll: after the clock given to the hub
    /// moved (tests), or after another process changed the store (a replay, an import).
    package func nudge() {
        wakeAll()
    }

    private func wakeAll() {
        for signal in [wake, refreshWake, eventWake, webhookEventWake, conversationWake] { signal.signal() }
    }

    /// Reloads the delivery channels now (after the API changed them) and looks at due work.
    package func channelsChanged() async throws(StoreError) {
        try await channels.refresh(from: store)
        wake.signal()
    }

    /// Ready to take submissions: false while the store cannot write.
    package var isReady: Bool { pipelines.withLock { $0.allSatisfy { $0.pipeline.storeWritable } } }

    /// Stops taking submissions; `run()` returns once what was taken is committed and settled
    /// and the dispatch batch in flight is recorded.
    package func shutdown() async {
        logger.info("shutting down: no new submissions")
        let sources = pipelines.withLock { pipelines in
            stopping.withLock { $0 = true }
            return pipelines.map(\.source)
        }
        attached.continuation.finish()
        for source in sources { await source.stop() }
        wakeAll()
    }

    /// Keeps the registry and channels current (every 2 s) and prunes what retention allows
    /// (every 10 min).
    private func housekeeping(shouldStop: @Sendable () -> Bool) async {
        var lastPrune: Date?
        while !shouldStop() {
            do {
                if try await registry.refresh(from: store) {
                    logger.notice("registry reloaded", metadata: ["parties": "\(registry.current.count)"])
                }
                if try await channels.refresh(from: store) {
                    logger.notice("delivery channels reloaded", metadata: ["rest_parties": "\(channels.restParties.count)"])
                }
            } catch {
                logger.warning("registry or channel reload failed; keeping the loaded ones", metadata: ["error": "\(error)"])
            }
            let now = clock()
            if lastPrune.map({ now.timeIntervalSince($0) >= 600 }) ?? true {
                lastPrune = now
                do {
                    if try await retention.isHeld(now: now) {
                        let removed = try await store.prune(
                            duplicateKeysBefore: now.addingTimeInterval(-settings.duplicateRetention),
                            messagesBefore: now.addingTimeInterval(-settings.messageRetention))
                        if removed > 0 { logger.info("pruned the store", metadata: ["rows": "\(removed)"]) }
                    }
                } catch {
                    logger.warning("pruning failed; will try again", metadata: ["error": "\(error)"])
                }
            }
            await refreshWake.wait(timeout: .seconds(2))
        }
    }
}

import AMQPBridge
import Hub
import Logging
import Synchronization

/// Gateway mode: for every party that receives over REST (Api or Webhook), hubd consumes the
/// party's own `_async` queue, because senders in the sector publish straight to it; what
/// arrives there goes through the hub's ingress like any submission. Follows the channels:
/// a party set back to Amqp is let go (it reads its queue itself again).
final class GatewayConsumers: Sendable {
    private struct Running {
        var queue: String
        var consumer: AMQPConsumer
        var source: AMQPSubmissionSource
    }

    private let hub: HubService
    private let makeConsumer: @Sendable (String) -> AMQPConsumer
    private let logger: Logger
    private let running = Mutex<[Int: Running]>([:])
    /// One reconciliation at a time, so two callers never start the same consumer twice.
    private let reconciling = Mutex(false)

    /// How long letting a queue go waits for ingress to settle what it took from it.
    static let settleTimeout = Duration.seconds(30)

    init(hub: HubService, logger: Logger, makeConsumer: @escaping @Sendable (String) -> AMQPConsumer) {
        self.hub = hub
        self.logger = logger
        self.makeConsumer = makeConsumer
    }

    /// Starts consumers for REST parties that have none and stops those of parties that no
    /// longer receive over REST or whose queue changed.
    func reconcile() async {
        guard reconciling.withLock({ busy in
            defer { busy = true }
            return !busy
        }) else { return }
        defer { reconciling.withLock { $0 = false } }
        let registry = hub.registry.current
        var wanted: [Int: String] = [:]
        for herId in hub.channels.restParties.keys {
            if let queue = registry.party(herId: herId)?.queue(.async) { wanted[herId] = queue }
        }
        let stale = running.withLock { running in
            let gone = running.filter { wanted[$0.key] != $0.value.queue }
            for herId in gone.keys { running[herId] = nil }
            return Array(gone.values)
        }
        for entry in stale {
            logger.notice("gateway: no longer taking a party's queue", metadata: ["queue": "\(entry.queue)"])
            // Closing the consumer before its batches are settled would make the broker offer
            // them again: to the party itself, which would then also get hubd's copy.
            if await !hub.detach(entry.source, timeout: Self.settleTimeout) {
                logger.warning("gateway: submissions from a party's queue not settled in time; the broker offers them again",
                               metadata: ["queue": "\(entry.queue)"])
            }
            await entry.consumer.close()
        }
        for (herId, queue) in wanted.sorted(by: { $0.key < $1.key }) where running.withLock({ $0[herId] == nil }) {
            let consumer = makeConsumer(queue)
            let source = AMQPSubmissionSource(consumer: consumer, origin: .gateway)
            running.withLock { $0[herId] = Running(queue: queue, consumer: consumer, source: source) }
            hub.attach(source)
            logger.notice("gateway: taking a REST party's queue", metadata: ["queue": "\(queue)", "her_id": "\(herId)"])
        }
    }

    /// Closes every consumer; for after the hub has stopped (it settled what it took).
    func closeAll() async {
        let all = running.withLock { running in
            defer { running = [:] }
            return Array(running.values)
        }
        for entry in all { await entry.consumer.close() }
    }
}

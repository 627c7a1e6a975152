import AMQPBridge
import Foundation
import Logging

/// Consumes what arrives on a receiver's queue and measures it: distinct messages, latency from
/// the producer's stamp, and the time the last one arrived.
final class Sink: Sendable {
    private let consumer: AMQPConsumer

    init(settings: AMQPSettings, queue: String, logger: Logger) {
        consumer = AMQPConsumer(
            settings: settings, queue: queue, options: AMQPQueueOptions(), prefetch: 1000, maxBatch: 500, logger: logger)
    }

    struct Result: Sendable {
        var received: Int
        var latencies: [Double]
        var firstArrival: ContinuousClock.Instant?
        var lastArrival: ContinuousClock.Instant?
    }

    /// Collects until `expected` distinct messages arrived or `timeout` passes without any.
    /// `stamp` reads when a message left its producer (by default `applicationTimeStamp`).
    func collect(
        expected: Int, idleTimeout: Duration,
        stamp: @Sendable (AMQPDelivery) -> String? = { $0.properties.headers["applicationTimeStamp"]?.stringValue }
    ) async -> Result {
        var seen = Set<String>()
        seen.reserveCapacity(expected)
        var result = Result(received: 0, latencies: [], firstArrival: nil, lastArrival: nil)
        result.latencies.reserveCapacity(expected)
        let stream = consumer.batches()
        await withTaskGroup(of: Void.self) { group in
            let lastSeen = LastSeen()
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    if lastSeen.idle(for: idleTimeout) {
                        // Ends the stream, and so the collecting loop.
                        await self.consumer.close()
                        return
                    }
                }
            }
            for await batch in stream {
                let now = ContinuousClock.now
                lastSeen.touch()
                for delivery in batch {
                    guard let id = delivery.properties.messageId, seen.insert(id).inserted else { continue }
                    if result.firstArrival == nil { result.firstArrival = now }
                    result.lastArrival = now
                    if let stamp = stamp(delivery), let latency = BenchClock.milliseconds(since: stamp) {
                        result.latencies.append(latency)
                    }
                }
                if let last = batch.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
                if seen.count >= expected { break }
                if lastSeen.expired { break }
            }
            group.cancelAll()
        }
        result.received = seen.count
        return result
    }

    func close() async { await consumer.close() }

    /// When the sink last saw a message; shared between the collecting loop and its watchdog.
    private final class LastSeen: @unchecked Sendable {
        private let lock = NSLock()
        private var instant = ContinuousClock.now
        private var gaveUp = false

        func touch() { lock.withLock { instant = .now } }

        func idle(for timeout: Duration) -> Bool {
            lock.withLock {
                gaveUp = ContinuousClock.now - instant > timeout
                return gaveUp
            }
        }

        var expired: Bool { lock.withLock { gaveUp } }
    }
}

import AMQPBridge
import Foundation
import Testing

/// A consumer holds at most its byte budget unacknowledged (plus one delivery), whatever the
/// prefetch count allows: past it, it reads nothing until it has acknowledged.
@Suite("AMQP consumer byte budget", .serialized, .timeLimit(.minutes(2)))
struct ConsumerByteBudgetTests {
    let settings: AMQPSettings

    init() throws {
        try TestBroker.require()
        settings = try TestBroker.settings()
    }

    @Test func readsNoMoreThanTheBudgetUntilItAcknowledges() async throws {
        let queue = TestBroker.uniqueQueue("budget")
        let client = AMQPClient(settings: settings, name: "test-budget", logger: TestBroker.logger)
        let body = [UInt8](repeating: 0x41, count: 256 * 1024)
        let count = 40
        #expect(await client.publish((0..<count).map { message(to: queue, id: "b-\($0)", body: body) }, declaring: .durable)
                == Array(repeating: .confirmed, count: count))

        // Prefetch allows all 40 (10 MiB); the budget allows 1 MiB: four bodies.
        let consumer = AMQPConsumer(
            settings: settings, queue: queue, prefetch: 100, maxUnackedBytes: 1 << 20, maxBatch: 100, logger: TestBroker.logger)
        let collector = Collector(consumer)
        #expect(await eventually { consumer.isHoldingBack })
        #expect(collector.count == 4)

        // Acknowledging two makes room for two more, and it holds back again.
        let first = collector.deliveries
        consumer.ack(upTo: first[1].deliveryTag, epoch: first[1].epoch)
        #expect(await eventually { collector.count == 6 && consumer.isHoldingBack })
        #expect(collector.count == 6)

        // Paused while over the budget (the store cannot write, say), it still reads nothing.
        await consumer.pause()
        consumer.ack(upTo: collector.deliveries[5].deliveryTag, epoch: collector.deliveries[5].epoch)
        #expect(await eventually { (try? await client.messageCount(queue: queue)) == 0 }, "the broker has sent what prefetch allows")
        #expect(collector.count == 6, "nothing was read while paused")
        await consumer.resume()

        // Acknowledging as it goes takes everything, once each.
        while collector.count < count {
            let last = collector.deliveries.last
            if let last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
            try await Task.sleep(for: .milliseconds(20))
        }
        let all = collector.deliveries
        #expect(all.map { $0.properties.messageId ?? "" } == (0..<count).map { "b-\($0)" })
        if let last = all.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }
}

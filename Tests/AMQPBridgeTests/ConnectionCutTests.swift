import AMQPBridge
import Foundation
import Testing

/// Connection breaks at a chosen moment: the client and consumer talk to the broker through
/// a socat TCP relay; killing the relay's per-connection children cuts the live connections
/// while the relay keeps accepting new ones. Deterministic, and it leaves the broker alone.
@Suite("AMQP connection cut", .serialized, .timeLimit(.minutes(3)))
struct ConnectionCutTests {
    let settings: AMQPSettings

    init() throws {
        try TestBroker.require()
        settings = try TestBroker.settings()
    }

    /// Runs `body` with a relay on a free port.
    private func withRelay(_ body: (_ port: Int, _ cut: @escaping @Sendable () -> Int) async throws -> Void) async throws {
        let port = TLSTests.freePort()
        let relay = try await ChildProcess.start(
            "/usr/bin/env",
            ["socat", "TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork", "TCP:\(settings.host):\(settings.port)"])
        do {
            let up = await eventually(timeout: .seconds(5)) { TestBroker.tcpReachable(host: "127.0.0.1", port: port) }
            try #require(up, "socat relay did not start")
            try await body(port) { relay.killChildren() }
        } catch {
            await relay.stop()
            throw error
        }
        await relay.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func publishBatchCutMidwayIsRepublishedAndConfirmed() async throws {
        try await withRelay { port, cut in
            var viaRelay = settings
            viaRelay.port = port
            let queue = TestBroker.uniqueQueue("cut-publish")
            let direct = AMQPClient(settings: settings, name: "test-cut-direct", logger: TestBroker.logger)
            let client = AMQPClient(settings: viaRelay, name: "test-cut", logger: TestBroker.logger)
            try await client.declareQueue(queue)
            #expect(client.connectionGeneration == 1)
            let n = 30_000
            let body = [UInt8](repeating: 0x44, count: 2048)
            let publish = Task { await client.publish((0..<n).map { message(to: queue, id: "cut-\($0)", body: body) }) }
            // Cut once the broker has part of the batch.
            let partial = await eventually(timeout: .seconds(30)) { ((try? await direct.messageCount(queue: queue)) ?? 0) >= 1000 }
            #expect(partial)
            let killed = cut()
            #expect(killed >= 1, "no relayed connection to cut")
            let outcomes = await publish.value
            let confirmed = outcomes.filter { $0 == .confirmed }.count
            #expect(confirmed == n, "\(Set(outcomes.map { "\($0)" }))")
            #expect(client.connectionGeneration >= 2, "the client reconnected")
            let inQueue = try await direct.messageCount(queue: queue)
            #expect(inQueue >= UInt32(n), "every confirmed message is on the queue")
            print("cut: \(confirmed)/\(n) confirmed after a mid-batch cut; \(inQueue) in queue "
                  + "(\(Int(inQueue) - n) republished duplicates); generation \(client.connectionGeneration)")
            try await direct.deleteQueue(queue)
            await client.close()
            await direct.close()
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func consumerCutRedeliversUnackedWithANewEpoch() async throws {
        try await withRelay { port, cut in
            var viaRelay = settings
            viaRelay.port = port
            let queue = TestBroker.uniqueQueue("cut-consume")
            let client = AMQPClient(settings: settings, name: "test-cut-client", logger: TestBroker.logger)
            #expect(await client.publish((0..<5).map { message(to: queue, id: "k-\($0)") }, declaring: .durable)
                    == Array(repeating: .confirmed, count: 5))
            let consumer = AMQPConsumer(settings: viaRelay, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
            let collector = Collector(consumer)
            let first = await collector.wait(for: 5)
            #expect(first.count == 5)
            let epoch = consumer.epoch
            consumer.ack(upTo: first[1].deliveryTag, epoch: first[1].epoch)  // k-0, k-1 acked
            #expect(await eventually { (try? await client.messageCount(queue: queue)) == 0 })
            try await Task.sleep(for: .milliseconds(200))  // let the ack reach the broker
            #expect(cut() >= 1)
            let all = await collector.wait(for: 8, timeout: .seconds(15))
            let again = all.dropFirst(5)
            #expect(again.map { $0.properties.messageId } == ["k-2", "k-3", "k-4"])
            #expect(again.allSatisfy { $0.redelivered && $0.epoch > epoch })
            // Acks of the old epoch are dropped; the new ones work.
            consumer.ack(upTo: first[4].deliveryTag, epoch: epoch)
            if let last = again.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
            await consumer.close()
            await collector.finished()
            #expect(try await client.messageCount(queue: queue) == 0)
            try await client.deleteQueue(queue)
            await client.close()
        }
    }
}

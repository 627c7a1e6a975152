import AMQPBridge
import Foundation
import Testing

/// Broker outage. To disrupt no other test (this process runs other suites, and other test
/// targets, in parallel), it uses a RabbitMQ node of its own, driven with the broker script
/// (HUBD_TEST_BROKER_SCRIPT) on HUBD_TEST_RESTART_BROKER_PORT (default 5692) and stopped at
/// the end.
@Suite("AMQP broker restart", .serialized, .timeLimit(.minutes(5)))
struct RestartTests {
    static var port: Int {
        ProcessInfo.processInfo.environment["HUBD_TEST_RESTART_BROKER_PORT"].flatMap(Int.init) ?? 5692
    }

    static var env: [String: String] { ["HUBD_BROKER_PORT": String(port)] }

    static func ms(_ d: Duration) -> Int { Int(d.seconds * 1000) }

    @Test(.timeLimit(.minutes(5)))
    func clientAndConsumerRecoverAfterBrokerStopAndStart() async throws {
        let start = await TestBroker.runScript(["start"], env: Self.env)
        try #require(start.status == 0, "scripts/broker start failed: \(start.output)")
        do {
            try await scenario()
        } catch {
            Issue.record(error)
        }
        let stop = await TestBroker.runScript(["stop"], env: Self.env)
        #expect(stop.status == 0, "scripts/broker stop failed: \(stop.output)")
    }

    private func scenario() async throws {
        try TestBroker.require(port: Self.port)
        let settings = try TestBroker.settings(port: Self.port)  // back-off 100 ms … 2 s
        let queue = TestBroker.uniqueQueue("restart")
        let bulkQueue = TestBroker.uniqueQueue("restart-bulk")
        // Generous retry window: a stop + start can take much longer on a slow CI machine.
        var policy = AMQPPublishPolicy()
        policy.retryWindow = .seconds(120)
        let client = AMQPClient(settings: settings, name: "test-restart", logger: TestBroker.logger, publishPolicy: policy)
        let bulkClient = AMQPClient(settings: settings, name: "test-restart-bulk", logger: TestBroker.logger,
                                    publishPolicy: policy)
        let consumer = AMQPConsumer(settings: settings, queue: queue, options: .durable, prefetch: 50, maxBatch: 50,
                                    logger: TestBroker.logger)
        let collector = Collector(consumer)
        #expect(await client.publish([message(to: queue, id: "before")], declaring: .durable) == [.confirmed])
        let before = await collector.wait(for: 1)
        #expect(before.map { $0.properties.messageId } == ["before"])
        if let d = before.first { consumer.ack(d.deliveryTag, epoch: d.epoch) }
        let epochBefore = consumer.epoch
        #expect(epochBefore >= 1)
        #expect(client.isConnected && consumer.isConnected)
        try await bulkClient.declareQueue(bulkQueue)

        // A big batch that the stop cuts off (mid-publish or while awaiting confirms).
        let n = 20_000
        let body = [UInt8](repeating: 0x43, count: 2048)
        let bulk = Task { await bulkClient.publish((0..<n).map { message(to: bulkQueue, id: "b-\($0)", body: body) }) }
        try await Task.sleep(for: .milliseconds(100))

        let stop = await TestBroker.runScript(["stop"], env: Self.env)
        try #require(stop.status == 0, "scripts/broker stop failed: \(stop.output)")
        #expect(await eventually(timeout: .seconds(5)) { !client.isConnected && !consumer.isConnected },
                "both noticed the outage")
        // A publish issued during the outage waits (within its retry window) for the broker.
        let during = Task { await client.publish([message(to: queue, id: "during")]) }
        try await Task.sleep(for: .seconds(1))

        let startAgain = await TestBroker.runScript(["start"], env: Self.env)
        try #require(startAgain.status == 0, "scripts/broker start failed: \(startAgain.output)")
        let started = ContinuousClock.now

        // Both reconnect by themselves.
        let consumerBack = await eventually(timeout: .seconds(15)) { consumer.isConnected && consumer.epoch > epochBefore }
        let consumerTime = ContinuousClock.now - started
        let clientBack = await eventually(timeout: .seconds(15)) { client.isConnected }
        let clientTime = ContinuousClock.now - started
        #expect(consumerBack, "consumer did not reconnect: \(consumer.lastError ?? "")")
        #expect(clientBack, "client did not reconnect: \(client.lastError ?? "")")

        #expect(await during.value == [.confirmed], "publish issued during the outage")
        let outcomes = await client.publish([message(to: queue, id: "after-1"), message(to: queue, id: "after-2")],
                                            declaring: .durable)
        #expect(outcomes == [.confirmed, .confirmed])
        let all = await collector.wait(for: 4, timeout: .seconds(15))
        let after = all.dropFirst()
        #expect(after.map { $0.properties.messageId } == ["during", "after-1", "after-2"])
        #expect(after.allSatisfy { $0.epoch > epochBefore })
        if let last = after.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }

        // The cut-off batch was republished after the reconnect: all confirmed, and every
        // confirmed message is in the queue (at least once).
        let bulkOutcomes = await bulk.value
        let confirmed = bulkOutcomes.filter { $0 == .confirmed }.count
        #expect(confirmed == n, "bulk outcomes: \(Set(bulkOutcomes.map { "\($0)" }))")
        let inQueue = try await bulkClient.messageCount(queue: bulkQueue)
        #expect(inQueue >= UInt32(confirmed))
        print("restart: after `scripts/broker start` returned, consumer reconnected in \(Self.ms(consumerTime)) ms, "
              + "client in \(Self.ms(clientTime)) ms; cut-off batch: \(confirmed)/\(n) confirmed, \(inQueue) in queue "
              + "(\(Int(inQueue) - confirmed) duplicates from republishing)")

        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        try await bulkClient.deleteQueue(bulkQueue)
        await client.close()
        await bulkClient.close()
    }
}

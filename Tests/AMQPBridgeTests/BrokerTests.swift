import AMQPBridge
import ClusterTestSupport
import Foundation
import Logging
import Testing

/// Tests against the real test broker (HUBD_TEST_AMQP_URL). They fail when it is unreachable.
@Suite("AMQP against the broker", .serialized, .timeLimit(.minutes(5)))
struct BrokerTests {
    let settings: AMQPSettings

    init() throws {
        try TestBroker.require()
        settings = try TestBroker.settings()
    }

    private func richHeaders(_ i: Int) -> [String: AMQPFieldValue] {
        [
            "fromHerId": .string("8141703"),
            "toHerId": .string(String(90000 + i)),
            "applicationTimeStamp": "2026-11-23T10:00:00+01:00",
            "X-MessageInfo-Type": "DIALOG_INNBYGGER_EKONTAKT",
            "utf8": "Blåbærsyltetøy ✓",
            "count": .int(Int64(i)),
            "negative": .int(-1_234_567_890_123),
            "flag": .bool(i % 2 == 0),
            "ratio": .double(0.25 * Double(i)),
            "raw": .bytes([0, 1, 2, 255]),
            "when": .timestamp(1_795_000_000 + UInt64(i)),
            "nothing": .void,
            "list": .array([.string("a"), .int(2), .bool(false)]),
            "nested": .table(["k": .string("v"), "n": .int(7)]),
        ]
    }

    @Test func publish500PersistentThenConsumeByteIdentical() async throws {
        let queue = TestBroker.uniqueQueue("bulk")
        let client = AMQPClient(settings: settings, name: "test-bulk", logger: TestBroker.logger)
        var sent: [String: AMQPOutboundMessage] = [:]
        var batch: [AMQPOutboundMessage] = []
        for i in 0..<500 {
            let body: [UInt8]
            switch i {
            case 0: body = []
            case 1: body = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            default: body = (0..<((i * 37) % 4096)).map { _ in UInt8.random(in: 0...255) }
            }
            let id = "msg-\(i)-\(UUID().uuidString)"
            let m = AMQPOutboundMessage(
                routingKey: queue, mandatory: true,
                properties: AMQPProperties(
                    messageId: id, correlationId: "corr-\(i)", replyTo: "8141703_async",
                    contentType: "application/xml", contentEncoding: "utf-8", type: "DIALOG_INNBYGGER_EKONTAKT",
                    expiration: "3600000", userId: "guest", appId: "hubd-test", deliveryMode: 2, priority: 1,
                    timestamp: 1_795_000_000, headers: richHeaders(i)),
                body: body)
            sent[id] = m
            batch.append(m)
        }
        let outcomes = await client.publish(batch, declaring: .durable)
        #expect(outcomes.count == 500)
        #expect(outcomes.allSatisfy { $0 == .confirmed }, "\(Set(outcomes.map { "\($0)" }))")
        #expect(try await client.messageCount(queue: queue) == 500)

        let consumer = AMQPConsumer(settings: settings, queue: queue, options: .durable, prefetch: 600,
                                    maxBatch: 128, logger: TestBroker.logger)
        let collector = Collector(consumer)
        let got = await collector.wait(for: 500, timeout: .seconds(30))
        #expect(got.count == 500)
        #expect(collector.batchCount < 500, "deliveries should come in batches")
        var seen = Set<String>()
        for d in got {
            guard let id = d.properties.messageId, let m = sent[id] else {
                Issue.record("unexpected delivery \(d.properties.messageId ?? "nil")")
                continue
            }
            seen.insert(id)
            #expect(sameBytes(d.body, m.body), "\(id): \(describeBodies(d.body, m.body))")
            #expect(d.properties == m.properties, "properties of \(id)")
            #expect(d.routingKey == queue)
            #expect(d.exchange == "")
            #expect(!d.redelivered)
        }
        #expect(seen.count == 500)
        #expect(got.contains { $0.body.isEmpty })
        #expect(got.contains { $0.body.count == 1 << 20 })
        // Group acknowledgement: one ack for all.
        let last = got.max { $0.deliveryTag < $1.deliveryTag }!
        consumer.ack(upTo: last.deliveryTag, epoch: last.epoch)
        await consumer.close()  // acks posted before close are sent first; unacked would be requeued
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func sixteenMiBAndEmptyBodiesViaGetAndConsumer() async throws {
        let queue = TestBroker.uniqueQueue("large")
        let client = AMQPClient(settings: settings, name: "test-large", logger: TestBroker.logger)
        let big = (0..<(16 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 13) }
        let batch = [message(to: queue, id: "big-1", body: big), message(to: queue, id: "empty-1", body: []),
                     message(to: queue, id: "big-2", body: big), message(to: queue, id: "empty-2", body: [])]
        #expect(await client.publish(batch, declaring: .durable) == Array(repeating: .confirmed, count: 4))
        // basic.get path
        let g1 = try await client.get(queue: queue)
        #expect(g1?.properties.messageId == "big-1")
        #expect(sameBytes(g1?.body, big), "\(describeBodies(g1?.body, big))")
        let g2 = try await client.get(queue: queue)
        #expect(g2?.properties.messageId == "empty-1")
        #expect(g2?.body == [])
        // consumer path
        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let collector = Collector(consumer)
        let got = await collector.wait(for: 2, timeout: .seconds(30))
        #expect(got.map { $0.properties.messageId } == ["big-2", "empty-2"])
        #expect(sameBytes(got.first?.body, big), "\(describeBodies(got.first?.body, big))")
        #expect(got.last?.body == [])
        if let last = got.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func mandatoryPublishToMissingQueueIsReturnedOthersConfirmed() async throws {
        let queue = TestBroker.uniqueQueue("ok")
        let nowhere = TestBroker.uniqueQueue("nowhere")
        let client = AMQPClient(settings: settings, name: "test-return", logger: TestBroker.logger)
        try await client.declareQueue(queue, options: .durable)
        var noId = message(to: nowhere)
        noId.properties.messageId = nil
        let batch = [message(to: queue), message(to: nowhere), message(to: queue), noId, message(to: queue)]
        let outcomes = await client.publish(batch)  // no declaring: the missing queue stays missing
        #expect(outcomes.count == 5)
        #expect(outcomes[0] == .confirmed)
        #expect(outcomes[2] == .confirmed)
        #expect(outcomes[4] == .confirmed)
        for i in [1, 3] {
            guard case .returned(let code, let text) = outcomes[i] else {
                Issue.record("message \(i): expected .returned, got \(outcomes[i])")
                continue
            }
            #expect(code == 312)
            #expect(text.contains("NO_ROUTE"))
        }
        // A non-mandatory unroutable message is simply confirmed (dropped by the broker).
        let dropped = await client.publish([message(to: nowhere, mandatory: false)])
        #expect(dropped == [.confirmed])
        #expect(try await client.messageCount(queue: queue) == 3)
        try await client.deleteQueue(queue)
        await client.close()
    }

    /// A full queue with reject-publish nacks; after a nack the client publishes over a new
    /// channel of the same connection (a channel can go on being nacked after a cluster node
    /// leaves; see ClientCore.retireChannel).
    @Test func fullQueueWithRejectPublishNacks() async throws {
        let queue = TestBroker.uniqueQueue("full")
        let name = "test-nack-\(UUID().uuidString)"
        let client = AMQPClient(settings: settings, name: name, logger: TestBroker.logger)
        let opts = AMQPQueueOptions(durable: true, arguments: ["x-max-length": 1, "x-overflow": "reject-publish"])
        #expect(try await client.declareQueue(queue, options: opts) == .declared)
        #expect(await client.publish([message(to: queue)]) == [.confirmed])
        let before = try await Self.channels(ofConnectionNamed: name)
        #expect(await client.publish([message(to: queue)]) == [.nacked])
        let again = await client.publish([message(to: queue), message(to: queue)])
        #expect(again == [.nacked, .nacked])
        #expect(try await client.messageCount(queue: queue) == 1)
        // Make room: the next one is accepted again.
        #expect(try await client.get(queue: queue) != nil)
        #expect(await client.publish([message(to: queue)]) == [.confirmed])
        let after = try await Self.channels(ofConnectionNamed: name)
        #expect(before.count == 1 && after.count == 1 && before != after, "channels before: \(before), after: \(after)")
        try await client.deleteQueue(queue)
        await client.close()
    }

    /// The broker's names of the open channels of the connection whose client named it `name`
    /// ("<peer> -> <broker> (<number>)").
    static func channels(ofConnectionNamed name: String) async throws -> [String] {
        let connections = await TestBroker.runScript(["ctl", "list_connections", "name", "client_properties", "--no-table-headers"])
        guard connections.status == 0 else { throw TestCluster.Failure("rabbitmqctl list_connections failed: \(connections.output)") }
        let named = connections.output.split(separator: "\n").filter { $0.contains(name) }
        guard named.count == 1, let connection = named[0].split(separator: "\t").first else {
            throw TestCluster.Failure("no single connection named \(name): \(connections.output)")
        }
        let channels = await TestBroker.runScript(["ctl", "list_channels", "name", "--no-table-headers"])
        guard channels.status == 0 else { throw TestCluster.Failure("rabbitmqctl list_channels failed: \(channels.output)") }
        return channels.output.split(separator: "\n").map(String.init).filter { $0.hasPrefix("\(connection) (") }
    }

    @Test func declareWithDifferentArgumentsDoesNotBreakTheClient() async throws {
        let queue = TestBroker.uniqueQueue("args")
        let client = AMQPClient(settings: settings, name: "test-406", logger: TestBroker.logger)
        #expect(try await client.declareQueue(queue, options: .durable) == .declared)
        #expect(try await client.declareQueue(queue, options: .durable) == .declared)  // idempotent
        let r = try await client.declareQueue(queue, options: .quorum)
        guard case .existsWithDifferentArguments(let text) = r else {
            Issue.record("expected existsWithDifferentArguments, got \(r)")
            return
        }
        #expect(text.contains("PRECONDITION_FAILED"))
        // The client still works, including publishing with a conflicting declare-on-demand.
        #expect(await client.publish([message(to: queue)]) == [.confirmed])
        let other = TestBroker.uniqueQueue("args2")
        let both = await client.publish([message(to: queue), message(to: other)],
                                        declaring: AMQPQueueOptions(arguments: ["x-max-length": 10]))
        #expect(both == [.confirmed, .confirmed])
        #expect(try await client.messageCount(queue: queue) == 2)
        #expect(try await client.messageCount(queue: other) == 1)
        try await client.deleteQueue(queue)
        try await client.deleteQueue(other)
        await client.close()
    }

    @Test func missingQueueAndExchangeAreDistinctErrors() async throws {
        let client = AMQPClient(settings: settings, name: "test-404", logger: TestBroker.logger)
        let missing = TestBroker.uniqueQueue("missing")
        await #expect(throws: AMQPError.queueNotFound(missing)) {
            _ = try await client.messageCount(queue: missing)
        }
        // Channel error → reopened; the client keeps working.
        let queue = TestBroker.uniqueQueue("after404")
        try await client.declareQueue(queue)
        var toMissingExchange = message(to: queue)
        toMissingExchange.exchange = "hubd.test.no-such-exchange"
        let outcomes = await client.publish([message(to: queue), toMissingExchange, message(to: queue)])
        #expect(outcomes[0] == .confirmed)
        #expect(outcomes[2] == .confirmed)
        guard case .failed(let why) = outcomes[1] else {
            Issue.record("expected .failed, got \(outcomes[1])")
            return
        }
        #expect(why.contains("no-such-exchange"))
        #expect(try await client.messageCount(queue: queue) == 2)
        #expect(try await client.purge(queue: queue) == 2)
        #expect(try await client.get(queue: queue) == nil)
        try await client.deleteQueue(queue)
        try await client.deleteQueue(queue)  // deleting a missing queue is fine
        await client.close()
    }

    @Test func wrongPasswordAndRefusedConnectionAreClearErrors() async throws {
        var bad = settings
        bad.password = "definitely-wrong"
        let client = AMQPClient(settings: bad, name: "test-login", logger: TestBroker.logger)
        do {
            _ = try await client.messageCount(queue: "x")
            Issue.record("expected a login failure")
        } catch {
            guard case .loginFailed = error else {
                Issue.record("expected .loginFailed, got \(error)")
                return
            }
            #expect(!error.description.contains("definitely-wrong"))
        }
        await client.close()

        var refused = settings
        refused.port = 1
        var policy = AMQPPublishPolicy()
        policy.retryWindow = .milliseconds(500)
        let c2 = AMQPClient(settings: refused, name: "test-refused", logger: TestBroker.logger, publishPolicy: policy)
        await #expect {
            _ = try await c2.messageCount(queue: "x")
        } throws: { e in
            guard let e = e as? AMQPError, case .connectionRefused(let address, _) = e else { return false }
            return address == "127.0.0.1:1" || address.hasSuffix(":1")
        }
        let started = ContinuousClock.now
        let outcomes = await c2.publish([message(to: "x")])
        #expect(ContinuousClock.now - started < .seconds(10))
        guard case .failed(let why) = outcomes[0] else {
            Issue.record("expected .failed, got \(outcomes[0])")
            return
        }
        #expect(why.contains("cannot connect"))
        #expect(!c2.isConnected)
        await c2.close()
        // After close: calls fail with .closed.
        await #expect(throws: AMQPError.closed) { _ = try await c2.messageCount(queue: "x") }
    }

    @Test func idleConnectionsServiceHeartbeats() async throws {
        var s = settings
        s.heartbeat = .seconds(1)  // the broker drops a connection that stays silent for ~2 heartbeats
        let queue = TestBroker.uniqueQueue("heartbeat")
        let client = AMQPClient(settings: s, name: "test-heartbeat", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let consumer = AMQPConsumer(settings: s, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let collector = Collector(consumer, autoAck: true)
        #expect(await eventually { consumer.isConnected })
        let generation = client.connectionGeneration
        let epoch = consumer.epoch
        try await Task.sleep(for: .milliseconds(3500))  // idle
        #expect(client.isConnected && consumer.isConnected)
        #expect(client.connectionGeneration == generation, "the client had to reconnect: \(client.lastError ?? "")")
        #expect(consumer.epoch == epoch, "the consumer had to reconnect: \(consumer.lastError ?? "")")
        #expect(await client.publish([message(to: queue, id: "hb")]) == [.confirmed])
        #expect(await collector.wait(for: 1).map { $0.properties.messageId } == ["hb"])
        #expect(client.connectionGeneration == generation)
        await consumer.close()
        await collector.finished()
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func unknownVhostIsALoginError() async throws {
        var s = settings
        s.vhost = "hubd-no-such-vhost"
        let client = AMQPClient(settings: s, name: "test-vhost", logger: TestBroker.logger)
        do {
            _ = try await client.messageCount(queue: "x")
            Issue.record("expected an error")
        } catch {
            guard case .loginFailed(_, _, let detail) = error else {
                Issue.record("expected .loginFailed, got \(error)")
                return
            }
            #expect(detail.contains("530") || detail.contains("vhost"), "\(detail)")
        }
        await client.close()
    }

    @Test func closeInterruptsAPublishWaitingForTheBroker() async throws {
        var down = settings
        down.port = 1  // nothing listens: the publish waits out its retry window (30 s by default)
        let client = AMQPClient(settings: down, name: "test-close-interrupts", logger: TestBroker.logger)
        let started = ContinuousClock.now
        let publish = Task { await client.publish([message(to: "x"), message(to: "y")]) }
        try await Task.sleep(for: .milliseconds(300))
        await client.close()
        let outcomes = await publish.value
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(outcomes.count == 2)
        #expect(outcomes.allSatisfy { if case .failed = $0 { true } else { false } }, "\(outcomes)")
        #expect(await client.publish([message(to: "z")]) == [.failed(AMQPError.closed.description)])
    }

    @Test func unackedDeliveriesAreRedeliveredToTheNextConsumer() async throws {
        let queue = TestBroker.uniqueQueue("redeliver")
        let client = AMQPClient(settings: settings, name: "test-redeliver", logger: TestBroker.logger)
        let ids = (0..<3).map { "r-\($0)" }
        #expect(await client.publish(ids.map { message(to: queue, id: $0) }, declaring: .durable)
                == Array(repeating: .confirmed, count: 3))

        let first = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let c1 = Collector(first)
        let got1 = await c1.wait(for: 3)
        #expect(got1.map { $0.properties.messageId } == ids)
        #expect(got1.allSatisfy { !$0.redelivered })
        await first.close()  // without acking
        await c1.finished()

        let second = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let c2 = Collector(second)
        let got2 = await c2.wait(for: 3)
        #expect(got2.map { $0.properties.messageId } == ids)
        #expect(got2.allSatisfy { $0.redelivered })
        // Single acks and a reject without requeue empty the queue.
        second.ack(got2[0].deliveryTag, epoch: got2[0].epoch)
        second.ack(got2[1].deliveryTag, epoch: got2[1].epoch)
        second.reject(got2[2].deliveryTag, epoch: got2[2].epoch, requeue: false)
        // An ack for an old epoch is dropped (no channel error).
        second.ack(got2[0].deliveryTag, epoch: got2[0].epoch + 100)
        await second.close()
        await c2.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func pauseStopsDeliveryAndResumeRestartsIt() async throws {
        let queue = TestBroker.uniqueQueue("pause")
        let client = AMQPClient(settings: settings, name: "test-pause", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 50, maxBatch: 50, logger: TestBroker.logger)
        let collector = Collector(consumer)
        #expect(await client.publish([message(to: queue, id: "p-0")]) == [.confirmed])
        let first = await collector.wait(for: 1)
        #expect(first.count == 1)
        consumer.ack(upTo: first[0].deliveryTag, epoch: first[0].epoch)

        await consumer.pause()
        #expect(consumer.isHoldingBack)
        #expect(await client.publish((1...5).map { message(to: queue, id: "p-\($0)") }) == Array(repeating: .confirmed, count: 5))
        // The broker has sent them (none is ready on the queue), and the paused consumer, which
        // reads nothing, has taken none of them in.
        #expect(await eventually { (try? await client.messageCount(queue: queue)) == 0 })
        #expect(collector.count == 1, "nothing may be delivered while paused")

        await consumer.resume()
        let all = await collector.wait(for: 6)
        #expect(all.map { $0.properties.messageId } == (0...5).map { "p-\($0)" })
        if let last = all.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func unackedStayUnackedWhilePaused() async throws {
        let queue = TestBroker.uniqueQueue("pause-unacked")
        let client = AMQPClient(settings: settings, name: "test-pause2", logger: TestBroker.logger)
        #expect(await client.publish((0..<4).map { message(to: queue, id: "u-\($0)") }, declaring: .durable)
                == Array(repeating: .confirmed, count: 4))
        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let collector = Collector(consumer)
        let got = await collector.wait(for: 4)
        #expect(got.count == 4)
        await consumer.pause()
        #expect(try await client.messageCount(queue: queue) == 0)  // all 4 are unacked, not ready
        // Acks still work while paused.
        consumer.ack(upTo: got[3].deliveryTag, epoch: got[3].epoch)
        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    /// The broker closes the channel on an ack for a tag it does not have, which would requeue
    /// every unacknowledged delivery. Such an ack (a repeat, or a mistake) is dropped instead.
    @Test func anAckForAnUnknownTagIsDroppedAndCostsNoChannel() async throws {
        let queue = TestBroker.uniqueQueue("chanerr")
        let client = AMQPClient(settings: settings, name: "test-chanerr", logger: TestBroker.logger)
        #expect(await client.publish([message(to: queue, id: "c-0"), message(to: queue, id: "c-1")], declaring: .durable)
                == [.confirmed, .confirmed])
        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let collector = Collector(consumer)
        let got = await collector.wait(for: 2)
        #expect(got.count == 2)
        let epoch = got[0].epoch
        consumer.ack(999_999, epoch: epoch)
        consumer.ack(upTo: got[0].deliveryTag, epoch: epoch)
        consumer.ack(upTo: got[0].deliveryTag, epoch: epoch)  // again: nothing left up to it
        consumer.ack(got[1].deliveryTag, epoch: epoch)
        // Both acknowledged on the first channel: nothing comes again, the queue is empty.
        #expect(await eventually { (try? await client.messageCount(queue: queue)) == 0 })
        await consumer.close()
        await collector.finished()
        #expect(collector.count == 2)
        #expect(consumer.epoch == epoch)
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func consumerSurvivesItsQueueBeingDeleted() async throws {
        let queue = TestBroker.uniqueQueue("deleted")
        let client = AMQPClient(settings: settings, name: "test-deleted", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 10, maxBatch: 10, logger: TestBroker.logger)
        let collector = Collector(consumer)
        #expect(await eventually { consumer.isConnected })
        let epoch = consumer.epoch
        try await client.deleteQueue(queue)  // broker sends basic.cancel to the consumer
        #expect(await eventually { consumer.epoch > epoch && consumer.isConnected }, "consumer re-declared and re-consumed")
        #expect(await client.publish([message(to: queue, id: "d-1")]) == [.confirmed])
        let got = await collector.wait(for: 1)
        #expect(got.map { $0.properties.messageId } == ["d-1"])
        if let d = got.first { consumer.ack(d.deliveryTag, epoch: d.epoch) }
        await consumer.close()
        await collector.finished()
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func consumerUsesAQueueThatExistsWithOtherArguments() async throws {
        let queue = TestBroker.uniqueQueue("consumer406")
        let client = AMQPClient(settings: settings, name: "test-consumer406", logger: TestBroker.logger)
        try await client.declareQueue(queue, options: AMQPQueueOptions(arguments: ["x-max-length": 100]))
        #expect(await client.publish([message(to: queue, id: "q-1")]) == [.confirmed])
        let consumer = AMQPConsumer(settings: settings, queue: queue, options: .quorum, prefetch: 10, maxBatch: 10,
                                    logger: TestBroker.logger)
        let collector = Collector(consumer)
        let got = await collector.wait(for: 1)
        #expect(got.map { $0.properties.messageId } == ["q-1"])
        if let d = got.first { consumer.ack(d.deliveryTag, epoch: d.epoch) }
        await consumer.close()
        await collector.finished()
        #expect(try await client.messageCount(queue: queue) == 0)
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func closeBeforeStartFinishesTheStream() async throws {
        let consumer = AMQPConsumer(settings: settings, queue: TestBroker.uniqueQueue("never"), logger: TestBroker.logger)
        await consumer.close()
        var count = 0
        for await _ in consumer.batches() { count += 1 }
        #expect(count == 0)
        #expect(!consumer.isConnected)
    }

    @Test func publishingDoesNotBlockTheCooperativePool() async throws {
        let queue = TestBroker.uniqueQueue("ticker")
        let client = AMQPClient(settings: settings, name: "test-ticker", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let body = [UInt8](repeating: 0x41, count: 2048)
        let batch = (0..<2000).map { message(to: queue, id: "t-\($0)", body: body) }
        let ticker = Task { () -> Duration in
            var maxGap = Duration.zero
            var last = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                let now = ContinuousClock.now
                maxGap = max(maxGap, now - last)
                last = now
            }
            return maxGap
        }
        let started = ContinuousClock.now
        let outcomes = await client.publish(batch)
        let elapsed = ContinuousClock.now - started
        ticker.cancel()
        let maxGap = await ticker.value
        #expect(outcomes.allSatisfy { $0 == .confirmed })
        #expect(maxGap < .milliseconds(500), "cooperative pool stalled for \(maxGap)")
        print("ticker: 2000 × 2 KiB published in \(elapsed); max ticker gap \(maxGap)")
        try await client.deleteQueue(queue)
        await client.close()
    }

    @Test func throughputOfPipelinedPublishAndBatchedConsume() async throws {
        let n = 10_000
        let queue = TestBroker.uniqueQueue("throughput")
        let client = AMQPClient(settings: settings, name: "test-throughput", logger: TestBroker.logger)
        try await client.declareQueue(queue)
        let body = [UInt8](repeating: 0x42, count: 2048)
        let batch = (0..<n).map { message(to: queue, id: "tp-\($0)", body: body, headers: ["fromHerId": "1", "toHerId": "2"]) }
        let t0 = ContinuousClock.now
        let outcomes = await client.publish(batch)
        let publishTime = ContinuousClock.now - t0
        #expect(outcomes.allSatisfy { $0 == .confirmed })

        let consumer = AMQPConsumer(settings: settings, queue: queue, prefetch: 1000, maxBatch: 500, logger: TestBroker.logger)
        let t1 = ContinuousClock.now
        var received = 0
        var batches = 0
        for await b in consumer.batches() {
            received += b.count
            batches += 1
            if let last = b.last { consumer.ack(upTo: last.deliveryTag, epoch: last.epoch) }
            if received >= n { break }
        }
        let consumeTime = ContinuousClock.now - t1
        await consumer.close()
        #expect(received == n)
        #expect(try await client.messageCount(queue: queue) == 0)
        let pubRate = Double(n) / publishTime.seconds
        let conRate = Double(n) / consumeTime.seconds
        print("throughput: publish \(n) × 2 KiB persistent, pipelined confirms: \(Int(pubRate)) msg/s (\(publishTime)); "
              + "consume + ack multiple: \(Int(conRate)) msg/s (\(consumeTime), \(batches) batches)")
        try await client.deleteQueue(queue)
        await client.close()
    }
}

extension Duration {
    var seconds: Double {
        let (s, a) = components
        return Double(s) + Double(a) / 1e18
    }
}

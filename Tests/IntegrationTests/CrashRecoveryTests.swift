import AMQPBridge
import Foundation
import Hub
import Testing

/// What the hub accepted survives the hub and the broker going away.
@Suite(.serialized, .timeLimit(.minutes(8))) struct CrashRecoveryTests {
    /// Messages accepted while the receiver's queue refuses them are still in the store when hubd
    /// is killed; the restarted hubd delivers them once the queue takes messages again.
    @Test func killedHubdDeliversAcceptedMessagesAfterRestart() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let receiverQueue = parties.asyncQueue(TestParties.register)
        // A queue that refuses every publish: accepted messages cannot be sent.
        _ = try await probe.client.declareQueue(receiverQueue, options: AMQPQueueOptions(arguments: [
            "x-max-length": .int(0), "x-overflow": .string("reject-publish"),
        ]))

        let hubd = try HubdProcess(parties: parties)
        try await hubd.start()
        let body = try TestEnvironment.example("innsyn_utlevering.xml")
        var ids: [String] = []
        for index in 0..<20 {
            ids.append(try await probe.submitExample(String(decoding: body, as: UTF8.self), tag: "crash-\(index)", to: parties.submitQueue))
        }
        #expect(try await probe.waitUntilEmpty(parties.submitQueue))
        // Once every one has failed to go out at least once, kill without warning.
        let store = try SQLiteStore(path: hubd.database)
        #expect(try await eventually {
            for id in ids { if try await store.reports(for: id).first.map({ $0.attempts >= 1 }) != true { return false } }
            return true
        })
        hubd.kill()
        #expect(await probe.count(receiverQueue) == 0)

        try await probe.client.deleteQueue(receiverQueue)
        try await hubd.start()
        var received: Set<String> = []
        while received.count < ids.count {
            let delivery = try await probe.next(from: receiverQueue, timeout: .seconds(20))
            received.insert(delivery.properties.messageId ?? "")
        }
        #expect(received == Set(ids))
        #expect(hubd.terminate() == 0)
    }

    /// kill -9 several times while messages stream through: every accepted message arrives,
    /// a message seen twice keeps its message_id, and the store holds each message once.
    @Test func repeatedKillsLoseNothing() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hubd = try HubdProcess(parties: parties)
        try await hubd.start()

        let template = String(decoding: try TestEnvironment.example("melde_feil.xml"), as: UTF8.self)
        let total = 3000
        let submitter = BrokerProbe.stream(template, count: total, tag: "kill", to: parties.submitQueue)
        let receiverQueue = parties.asyncQueue(TestParties.register)
        // Kill while the stream is flowing, three times.
        for threshold in [500, 1200, 2000] {
            let deadline = ContinuousClock.now + .seconds(60)
            while await probe.count(receiverQueue) < threshold, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            hubd.kill()
            try await hubd.start()
        }
        let ids = try await submitter.value

        var received: [String: Int] = [:]
        var messageIdsByMsgId: [String: Set<String>] = [:]
        while received.count < total {
            let delivery = try await probe.next(from: receiverQueue, timeout: .seconds(30))
            let messageId = delivery.properties.messageId ?? ""
            received[messageId, default: 0] += 1
            messageIdsByMsgId[delivery.properties.headers["X-MessageInfo-MsgId"]?.stringValue ?? "", default: []].insert(messageId)
        }
        #expect(Set(received.keys) == Set(ids))
        #expect(messageIdsByMsgId.count == total)
        #expect(messageIdsByMsgId.values.allSatisfy { $0.count == 1 })
        #expect(hubd.terminate() == 0)
        #expect(hubd.log.components(separatedBy: "hubd serving").count - 1 == 4)

        let store = try SQLiteStore(path: hubd.database)
        let counts = try await store.stateCounts()
        #expect(counts["sent"] == total)
        #expect(counts["pending"] == nil)
        for id in ids.prefix(100) {
            #expect(try await store.reports(for: id).count == 1)
        }
    }

    /// The broker restarted under a running hub: it reconnects by itself and goes on.
    @Test func brokerRestartIsSurvived() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        func submit(_ tag: String) async throws -> String {
            try await probe.submitExample(template, tag: tag, to: parties.submitQueue)
        }
        let before = try await submit("before")
        try await hub.waitFor(.sent, of: before)

        try TestEnvironment.broker("restart")
        let restartedAt = ContinuousClock.now
        var after: String?
        while after == nil, ContinuousClock.now - restartedAt < .seconds(20) {
            after = try? await submit("after")
            if after == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let afterId = try #require(after)
        try await hub.waitFor(.sent, of: afterId, timeout: .seconds(20))
        let ids = Set(await probe.drain(parties.asyncQueue(TestParties.register)).compactMap(\.properties.messageId))
        #expect(ids.contains(afterId))
        try await hub.stop()
    }

    /// The broker stopped and started while messages are in flight: hubd is back within 5 s of
    /// the broker, and every accepted message arrives.
    @Test func brokerOutageLosesNothing() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let template = String(decoding: try TestEnvironment.example("sletting_eller_sperring.xml"), as: UTF8.self)
        func submit(_ tag: String) async throws -> String {
            try await probe.submitExample(template, tag: tag, to: parties.submitQueue)
        }
        var ids: [String] = []
        for index in 0..<300 { ids.append(try await submit("outage-\(index)")) }
        try TestEnvironment.broker("stop")
        try await Task.sleep(for: .seconds(2))
        try TestEnvironment.broker("start")
        let back = ContinuousClock.now

        // A submission made once the broker is back is sent within 5 s.
        var probeId: String?
        while probeId == nil, ContinuousClock.now - back < .seconds(5) {
            probeId = try? await submit("after-outage")
        }
        let afterId = try #require(probeId)
        try await hub.waitFor(.sent, of: afterId, timeout: .seconds(5) - (ContinuousClock.now - back))
        ids.append(afterId)

        var received: Set<String> = []
        while received.count < ids.count {
            received.insert(try await probe.next(from: parties.asyncQueue(TestParties.register), timeout: .seconds(20)).properties.messageId ?? "")
        }
        #expect(received == Set(ids))
        try await hub.stop()
    }

    /// SIGTERM while submissions stream in: every submission hubd committed is acknowledged
    /// before it exits, and every one it did not is still on the submission queue: each is in
    /// exactly one place.
    @Test func gracefulStopLeavesEachSubmissionInOnePlace() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hubd = try HubdProcess(parties: parties)
        try await hubd.start()
        let template = String(decoding: try TestEnvironment.example("melde_feil.xml"), as: UTF8.self)
        let total = 1500
        let submitter = BrokerProbe.stream(template, count: total, tag: "term", to: parties.submitQueue)
        // Stop while the stream is flowing.
        while await probe.count(parties.asyncQueue(TestParties.register)) < 300 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(hubd.terminate() == 0)
        _ = try await submitter.value

        let store = try SQLiteStore(path: hubd.database)
        let stored = try await store.stateCounts().values.reduce(0, +)
        #expect(stored > 0 && stored < total)
        // Unacknowledged deliveries return to the queue when hubd's connection closes.
        var waiting: UInt32 = 0
        for _ in 0..<50 {
            waiting = await probe.count(parties.submitQueue)
            if stored + Int(waiting) >= total { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stored + Int(waiting) == total)
    }
}

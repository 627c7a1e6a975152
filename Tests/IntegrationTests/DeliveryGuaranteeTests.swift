import AMQPBridge
import Foundation
import Hub
import Testing

/// Retries, expiry, permanent failure, dead letters and replay, receipts (§3–§5).
@Suite(.serialized, .timeLimit(.minutes(5))) struct DeliveryGuaranteeTests {
    static let innsyn = (try? String(decoding: TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)) ?? ""

    /// A dialog from the portal to `receiver` with its own MsgId.
    static func dialog(_ tag: String, to receiver: Int = TestParties.register) -> [UInt8] {
        var text = innsyn.replacingOccurrences(of: "<MsgId>", with: "<MsgId>\(tag)-")
        if receiver != TestParties.register {
            text = text.replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>\(receiver)</Id>")
        }
        return Array(text.utf8)
    }

    static let refusing = AMQPQueueOptions(arguments: ["x-max-length": .int(0), "x-overflow": .string("reject-publish")])

    /// A hub whose register's queue refuses every message until a test replaces it.
    static func startWithRefusingRegister(clock: ManualClock? = nil) async throws -> (TestParties, BrokerProbe, InProcessHub) {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        _ = try await probe.client.declareQueue(parties.asyncQueue(TestParties.register), options: refusing)
        return (parties, probe, try await InProcessHub(parties: parties, clock: clock))
    }

    @Test func refusingReceiverDelaysNobodyElseAndIsServedWhenItAcceptsAgain() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let refusingQueue = parties.asyncQueue(TestParties.register)
        let flowingQueue = parties.asyncQueue(TestParties.hf2)
        _ = try await probe.client.declareQueue(refusingQueue, options: Self.refusing)
        let hub = try await InProcessHub(parties: parties)

        var refused: [String] = []
        var flowing: [String] = []
        for index in 0..<20 {
            refused.append(try #require(try await probe.submit(
                to: parties.submitQueue, body: Self.dialog("refused-\(index)"),
                headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register))))
            flowing.append(try #require(try await probe.submit(
                to: parties.submitQueue, body: Self.dialog("flowing-\(index)", to: TestParties.hf2),
                headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.hf2))))
        }
        let started = ContinuousClock.now
        var arrived: Set<String> = []
        while arrived.count < flowing.count {
            arrived.insert(try await probe.next(from: flowingQueue, timeout: .seconds(5)).properties.messageId ?? "")
        }
        #expect(arrived == Set(flowing))
        #expect(ContinuousClock.now - started < .seconds(3))

        // The refused ones are being retried, with the attempts and the error on record.
        try await hub.waitFor(attempts: 1, of: refused[0])
        let report = try #require(try await hub.store.reports(for: refused[0]).first)
        #expect(report.state == "pending")
        #expect(report.attempts >= 1)
        #expect(report.lastError?.contains("nack") == true)
        #expect(report.nextAttemptAt != nil)

        // The queue accepts again: everything refused is delivered.
        try await probe.client.deleteQueue(refusingQueue)
        _ = try await probe.client.declareQueue(refusingQueue, options: AMQPQueueOptions())
        var delivered: Set<String> = []
        while delivered.count < refused.count {
            delivered.insert(try await probe.next(from: refusingQueue, timeout: .seconds(10)).properties.messageId ?? "")
        }
        #expect(delivered == Set(refused))
        try await hub.waitFor(.sent, of: refused[19])
        try await hub.stop()
    }

    @Test func expiredMessageIsDeadLetteredReportedAndReplayable() async throws {
        let clock = ManualClock()
        let (parties, probe, hub) = try await Self.startWithRefusingRegister(clock: clock)
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let receiverQueue = parties.asyncQueue(TestParties.register)

        // The default expiry (4 days) passes on the hub's clock while the receiver refuses.
        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: Self.dialog("expiring"),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        try await hub.waitFor(attempts: 1, of: messageId)
        #expect(try await hub.statuses(messageId) == [.accepted])
        clock.advance(by: hub.settings.defaultExpiry + 1)
        let history = try await hub.waitFor(.expired, of: messageId)
        #expect(history == [.accepted, .expired])

        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(error.properties.headers[HeaderName.errorCondition] == .string("transport:expired"))
        #expect(error.properties.headers[HeaderName.originalMessageId] == .string(messageId))
        #expect(error.properties.headers[HeaderName.toHerId] == .string("10037002"))
        #expect(error.properties.headers[HeaderName.fromHerId] == .string("10037004"))
        let copy = try await probe.next(from: parties.deadQueue)
        #expect(copy.properties.messageId == messageId)
        #expect(copy.properties.headers[HeaderName.deadLetterReason] == .string("not sent before its expiry"))
        let letter = try #require(try await hub.store.deadLetters().first)
        #expect(letter.messageId == messageId)
        #expect(letter.reason == "not sent before its expiry")

        // Replay once the receiver takes messages: same message_id, a fresh expiry, `sent`.
        try await probe.client.deleteQueue(receiverQueue)
        _ = try await probe.client.declareQueue(receiverQueue, options: AMQPQueueOptions())
        let outcome = try await hub.store.replayDeadLetter(letter.id, expiry: 60, submitQueue: parties.submitQueue, now: clock.now)
        hub.nudge()
        #expect(outcome == .redispatched(messageId: messageId))
        let delivered = try await probe.next(from: receiverQueue)
        #expect(delivered.properties.messageId == messageId)
        #expect(try await hub.waitFor(.sent, of: messageId) == [.accepted, .expired, .sent])
        #expect(try await hub.store.deadLetters().isEmpty)
        #expect(try await hub.store.replayDeadLetter(letter.id, expiry: 60, submitQueue: parties.submitQueue, now: clock.now) == .alreadyReplayed)
        try await hub.stop()
    }

    /// Finished messages, duplicate keys and dead letters (replayed or not) go once their
    /// retention has passed on the hub's clock.
    @Test func retentionPrunesFinishedMessagesAndDeadLetters() async throws {
        let clock = ManualClock()
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties, clock: clock)
        let sent = try await probe.submitExample(Self.innsyn, tag: "kept-then-pruned", to: parties.submitQueue)
        try await hub.waitFor(.sent, of: sent)
        try await probe.submit(
            to: parties.submitQueue, body: Self.dialog("unknown-sender"),
            headers: BrokerProbe.headers(from: 10_037_099, to: TestParties.register))
        _ = try await probe.next(from: parties.deadQueue)
        #expect(try await hub.store.deadLetters().count == 1)

        clock.advance(by: hub.settings.messageRetention + 1)
        let pruned = try await eventually {
            let letters = try await hub.store.deadLetters()
            let reports = try await hub.store.reports(for: sent)
            return letters.isEmpty && reports.isEmpty
        }
        #expect(pruned)
        try await hub.stop()
    }

    @Test func receiverThatStopsBeingValidFailsTheMessage() async throws {
        let (parties, probe, hub) = try await Self.startWithRefusingRegister()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: Self.dialog("doomed"),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        try await hub.waitFor(.accepted, of: messageId)
        // The register is deactivated while its message waits for a retry.
        var entries = try parties.entries
        let index = try #require(entries.firstIndex { $0.party.herId == TestParties.register })
        entries[index].party.active = false
        entries[index].document = Data(String(decoding: entries[index].document, as: UTF8.self)
            .replacingOccurrences(of: "\"Active\":true", with: "\"Active\":false").utf8)
        try await hub.store.replaceRegistry(entries, source: "test", now: Date())

        let history = try await hub.waitFor(.failed, of: messageId)
        #expect(history == [.accepted, .failed])
        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(error.properties.headers[HeaderName.errorCondition] == .string("transport:delivery-failed"))
        #expect(error.properties.headers[HeaderName.originalMessageId] == .string(messageId))
        let copy = try await probe.next(from: parties.deadQueue)
        #expect(copy.properties.messageId == messageId)
        #expect(try await hub.store.deadLetters().first?.reason == "receiver 10037004 is no longer a valid communication party")
        try await hub.stop()
    }

    @Test(arguments: [("1", MessageStatus.acknowledged), ("3", .acknowledgedWithErrors), ("2", .rejected)])
    func appRecMovesTheOriginalsStatus(code: String, status: MessageStatus) async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties)

        let msgId = UUID().uuidString.lowercased()
        let dialog = Self.innsyn.replacingOccurrences(of: "35bf992d-c9e9-4616-a12e-7696a6cecc1b", with: msgId)
        let original = try #require(try await probe.submit(
            to: parties.submitQueue, body: Array(dialog.utf8),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        try await hub.waitFor(.sent, of: original)

        var receipt = String(decoding: try TestEnvironment.example("apprec-rejected.xml"), as: UTF8.self)
            .replacingOccurrences(of: "35bf992d-c9e9-4616-a12e-7696a6cecc1b", with: msgId)
            .replacingOccurrences(of: "<Status V=\"2\" DN=\"Avvist\"/>", with: "<Status V=\"\(code)\" DN=\"x\"/>")
        if code == "1" {
            receipt = receipt.replacingOccurrences(of: #"<Error V="E35" S="2.16.578.1.12.4.1.1.8221" DN="Pasienten finnes ikke i mottakersystemet"/>"#, with: "")
        }
        try await probe.submit(
            to: parties.submitQueue, body: Array(receipt.utf8),
            headers: BrokerProbe.headers(from: TestParties.register, to: TestParties.helsenorge))
        _ = try await probe.next(from: parties.asyncQueue(TestParties.helsenorge))
        #expect(try await hub.waitFor(status, of: original) == [.accepted, .sent, status])
        try await hub.stop()
    }

    @Test func receiptForAnUnknownOriginalIsRoutedAnyway() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties)
        let receipt = try TestEnvironment.example("apprec-ok.xml")
        let id = try #require(try await probe.submit(
            to: parties.submitQueue, body: receipt,
            headers: BrokerProbe.headers(from: TestParties.register, to: TestParties.helsenorge)))
        #expect(try await probe.next(from: parties.asyncQueue(TestParties.helsenorge)).body == receipt)
        try await hub.waitFor(.sent, of: id)
        try await hub.stop()
    }
}

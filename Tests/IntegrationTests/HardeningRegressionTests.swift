import AMQPBridge
import Dialogs
import Foundation
import Hub
import Testing

/// Regressions of the hostile-input campaign that need the broker.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HardeningRegressionTests {
    static let innsyn = (try? String(decoding: TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)) ?? ""

    /// A message that cannot be published (here: its receiver's queue name, from the registry,
    /// is longer than AMQP allows) fails at once, its sender is told, and the messages around it
    /// are delivered once each without the connection dropping.
    @Test func anUnpublishableMessageFailsAloneAndAtOnce() async throws {
        let longQueue = String(repeating: "q", count: 300)
        let parties = try TestParties { json in
            // Kvalitetsregister B (10037008) inherits its parent's async queue; name it too long.
            guard let party = json.range(of: "\"HerId\": 10037008"),
                  let address = json.range(of: "_10037007_async", range: party.upperBound..<json.endIndex),
                  let start = json.range(of: "HubTest/", options: .backwards, range: party.upperBound..<address.lowerBound)
            else { return json }
            return json.replacingCharacters(in: start.upperBound..<address.upperBound, with: longQueue)
        }
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties)
        let entries = try parties.entries
        #expect(entries.first { $0.party.herId == TestParties.register2 }?.party.queue(.async) == longQueue, "the registry edit took")

        let doomed = Self.innsyn.replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>\(TestParties.register2)</Id>")
        let good = try await probe.submitExample(Self.innsyn, tag: "good-1", to: parties.submitQueue)
        let bad = try #require(try await probe.submit(
            to: parties.submitQueue, body: Array(doomed.utf8),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register2)))
        let good2 = try await probe.submitExample(Self.innsyn, tag: "good-2", to: parties.submitQueue)

        #expect(try await hub.waitFor(.failed, of: bad) == [.accepted, .failed])
        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(error.properties.headers[HeaderName.errorCondition] == .string("transport:delivery-failed"))
        #expect(error.properties.headers[HeaderName.originalMessageId] == .string(bad))
        try await hub.waitFor(.sent, of: good)
        try await hub.waitFor(.sent, of: good2)
        try await hub.quiesce(probe)
        let delivered = await probe.drain(parties.asyncQueue(TestParties.register)).compactMap(\.properties.messageId)
        #expect(delivered.sorted() == [good, good2].sorted())
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        try await hub.stop()
    }

    /// Parties' queues belong to the bus operator: hubd does not create them, retries while one
    /// is missing and says why, and delivers once it exists.
    @Test func aMissingReceiverQueueIsRetriedAndNamedInTheStatus() async throws {
        let parties = try TestParties()
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let hub = try await InProcessHub(parties: parties)
        let receiverQueue = parties.asyncQueue(TestParties.register)
        try await probe.client.deleteQueue(receiverQueue)

        let id = try await probe.submitExample(Self.innsyn, tag: "missing", to: parties.submitQueue)
        try await hub.waitFor(attempts: 2, of: id)
        let report = try #require(try await hub.store.reports(for: id).first)
        #expect(report.state == "pending")
        #expect(report.lastError == "receiver queue missing")
        #expect(try await hub.statuses(id) == [.accepted])
        #expect(await probe.count(receiverQueue) == 0)
        #expect(await !probe.exists(receiverQueue), "hubd did not create the party's queue")

        _ = try await probe.client.declareQueue(receiverQueue)
        let delivered = try await probe.next(from: receiverQueue)
        #expect(delivered.properties.messageId == id)
        try await hub.waitFor(.sent, of: id)
        try await hub.stop()
    }
}

import AMQPBridge
import Foundation
import Hub
import Testing

/// Each register dialog and an AppRec travel from sender to receiver through a running hub.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DialogRoutingTests {
    static let dialogs: [(file: String, function: String)] = [
        ("innsyn_helseopplysninger.xml", "DIALOG_INNBYGGER_HREG_INNSYN_HELSEOPPLYSNINGER"),
        ("innsyn_bruk.xml", "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"),
        ("innsyn_utlevering.xml", "DIALOG_INNBYGGER_HREG_INNSYN_UTLEVERING"),
        ("melde_feil.xml", "DIALOG_INNBYGGER_HREG_MELDE_FEIL"),
        ("sletting_eller_sperring.xml", "DIALOG_INNBYGGER_HREG_SLETTING_ELLER_SPERRING"),
    ]

    @Test(arguments: dialogs)
    func dialogReachesTheRegisterUnchanged(file: String, function: String) async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let body = try TestEnvironment.example(file)
        var headers = BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)
        headers[HeaderName.cpaId] = "cpa-123"
        let messageId = UUID().uuidString.lowercased()
        try await probe.submit(to: parties.submitQueue, body: body, messageId: messageId, headers: headers)

        let delivery = try await probe.next(from: parties.asyncQueue(TestParties.register))
        #expect(delivery.body == body)
        let properties = delivery.properties
        #expect(properties.messageId == messageId)
        #expect(properties.correlationId == messageId)
        #expect(properties.replyTo == parties.asyncQueue(TestParties.helsenorge))
        #expect(properties.contentType == "application/xml")
        #expect(properties.type == function)
        #expect(properties.deliveryMode == AMQPProperties.persistentDeliveryMode)
        let received = properties.headers
        #expect(received[HeaderName.fromHerId] == .string("10037002"))
        #expect(received[HeaderName.toHerId] == .string("10037004"))
        #expect(received[HeaderName.applicationTimeStamp] == .string(headers[HeaderName.applicationTimeStamp] ?? ""))
        #expect(received[HeaderName.cpaId] == .string("cpa-123"))
        #expect(received[HeaderName.messageType] == .string(function))
        // As Helsenorge.Messaging writes it: the namespace of the first document's payload.
        #expect(received[HeaderName.schemaNamespace] == .string("http://www.kith.no/xmlstds/dialog/2013-01-23"))
        #expect(received[HeaderName.senderLevel1] == .string("10037001"))
        #expect(received[HeaderName.senderLevel2] == .string("10037002"))
        #expect(received[HeaderName.receiverLevel1] == .string("10037003"))
        #expect(received[HeaderName.receiverLevel2] == .string("10037004"))
        #expect(received[HeaderName.msgId]?.stringValue?.isEmpty == false)
        // Every header is a long string, and none carries the patient's national id.
        // The AMQP 1.0 sections (docs/wire.md) are long strings too, of encoded bytes.
        for (name, value) in received {
            switch value {
            case .string(let text):
                #expect(!text.contains("19826606056"))
            case .binaryString(let bytes) where name.hasPrefix("x-amqp-1.0-"):
                #expect(!String(decoding: bytes, as: UTF8.self).contains("19826606056"))
            default:
                Issue.record("header value \(value) is not a long string")
            }
        }

        let history = try await hub.waitFor(.sent, of: messageId)
        #expect(history == [.accepted, .sent])
        #expect(await probe.count(parties.submitQueue) == 0)
        try await hub.stop()
    }

    @Test func appRecReachesThePortalAndAcknowledgesTheOriginal() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        // The dialog the AppRec answers (apprec-rejected.xml refers to innsyn_bruk.xml's MsgId).
        let dialogId = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestEnvironment.example("innsyn_bruk.xml"),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        _ = try await probe.next(from: parties.asyncQueue(TestParties.register))

        let receipt = try TestEnvironment.example("apprec-rejected.xml")
        let receiptId = try #require(try await probe.submit(
            to: parties.submitQueue, body: receipt,
            headers: BrokerProbe.headers(from: TestParties.register, to: TestParties.helsenorge)))
        let delivery = try await probe.next(from: parties.asyncQueue(TestParties.helsenorge))
        #expect(delivery.body == receipt)
        #expect(delivery.properties.messageId == receiptId)
        #expect(delivery.properties.type == "APPREC")
        #expect(delivery.properties.replyTo == parties.asyncQueue(TestParties.register))
        let headers = delivery.properties.headers
        #expect(headers[HeaderName.messageType] == .string("APPREC"))
        #expect(headers[HeaderName.schemaNamespace] == .string("http://www.kith.no/xmlstds/apprec/2012-02-15"))
        #expect(headers[HeaderName.originalMsgId] == .string("35bf992d-c9e9-4616-a12e-7696a6cecc1b"))
        #expect(headers[HeaderName.originalMsgType] == .string("DIALOG_INNBYGGER_HREG_INNSYN_BRUK"))
        #expect(headers[HeaderName.senderLevel2] == .string("10037004"))
        #expect(headers[HeaderName.receiverLevel2] == .string("10037002"))

        try await hub.waitFor(.sent, of: receiptId)
        // AppRec status 2 moves the original to `rejected` (§5).
        let original = try await hub.waitFor(.rejected, of: dialogId)
        #expect(original == [.accepted, .sent, .rejected])
        try await hub.stop()
    }
}

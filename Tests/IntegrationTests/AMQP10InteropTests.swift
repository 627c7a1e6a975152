import AMQPBridge
import Foundation
import Hub
import Testing

/// hubd and AMQP 1.0 clients (Helsenorge.Messaging; here python-qpid-proton) through the real
/// broker's `rabbitmq_amqp1_0` plugin (`scripts/broker` enables it) and a real hub.
@Suite(.serialized, .timeLimit(.minutes(5))) struct AMQP10InteropTests {
    static let function = "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"

    /// The example dialog from the portal to the register, its MsgId made unique.
    static func document(tag: String) throws -> [UInt8] {
        let template = String(decoding: try TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)
        return Array(template.replacingOccurrences(of: "<MsgId>", with: "<MsgId>\(tag)-").utf8)
    }

    func withHub(_ body: (InProcessHub, BrokerProbe, TestParties) async throws -> Void) async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        do {
            try await body(hub, probe, parties)
        } catch {
            try? await hub.stop(); await probe.delete(parties.allQueues); await probe.close()
            throw error
        }
        try await hub.stop()
        await probe.delete(parties.allQueues)
        await probe.close()
    }

    /// A message submitted over 0-9-1 reaches a 1.0 consumer with its id, the function as
    /// subject, the contract's headers as application properties, and the body unchanged.
    @Test func aDeliveryReachesA10Consumer() async throws {
        try await withHub { hub, probe, parties in
            let body = try Self.document(tag: "to-1.0-\(UUID().uuidString)")
            let headers = BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)
            let id = try #require(try await probe.submit(to: parties.submitQueue, body: body, headers: headers))
            try await hub.waitFor(.sent, of: id)

            let received = try await ProtonClient.receive(from: parties.asyncQueue(TestParties.register))
            #expect(received.id == id)
            #expect(received.subject == Self.function)
            #expect(received.correlationId == id)
            #expect(received.replyTo == parties.asyncQueue(TestParties.helsenorge))
            #expect(received.contentType == "application/xml")
            #expect(received.properties[HeaderName.fromHerId] == String(TestParties.helsenorge))
            #expect(received.properties[HeaderName.toHerId] == String(TestParties.register))
            #expect(received.properties[HeaderName.applicationTimeStamp] == headers[HeaderName.applicationTimeStamp])
            #expect(received.properties[HeaderName.messageType] == Self.function)
            #expect(received.body == body)
        }
    }

    /// A 1.0 sender's submissions (fields in its properties and application properties; the body
    /// in a data section or an amqp-value) are routed and reach a 0-9-1 consumer byte-identical.
    @Test(arguments: ["data", "value-binary", "value-string"])
    func a10SubmissionIsRouted(bodyForm: String) async throws {
        try await withHub { hub, probe, parties in
            let body = try Self.document(tag: "from-1.0-\(bodyForm)-\(UUID().uuidString)")
            let id = UUID().uuidString.lowercased()
            let stamp = Timestamp.format(Date())
            try await ProtonClient.send(ProtonClient.Message(
                id: id, subject: Self.function, replyTo: parties.asyncQueue(TestParties.helsenorge),
                properties: [HeaderName.fromHerId: String(TestParties.helsenorge),
                             HeaderName.toHerId: String(TestParties.register),
                             HeaderName.applicationTimeStamp: stamp],
                body: body, bodyForm: bodyForm), to: parties.submitQueue)
            try await hub.waitFor(.sent, of: id)

            let delivered = try await probe.next(from: parties.asyncQueue(TestParties.register))
            #expect(delivered.body == body)
            #expect(delivered.properties.messageId == id)
            #expect(delivered.properties.type == Self.function)
            #expect(delivered.properties.headers[HeaderName.fromHerId] == .string(String(TestParties.helsenorge)))
            #expect(delivered.properties.headers[HeaderName.applicationTimeStamp] == .string(stamp))
            // The sender's 1.0 sections are not passed on: hubd writes its own.
            let sections = try #require(delivered.properties.headers[AMQP10Egress.propertiesHeader])
            #expect(sections != .string(""))
            #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        }
    }

    /// A 1.0 sender's bad submission (no toHerId) is answered on its error queue, and the 1.0
    /// client reads the error message's fields from its application properties.
    @Test func a10SendersBadSubmissionIsAnsweredReadablyByIt() async throws {
        try await withHub { hub, probe, parties in
            let id = UUID().uuidString.lowercased()
            try await ProtonClient.send(ProtonClient.Message(
                id: id, subject: Self.function,
                properties: [HeaderName.fromHerId: String(TestParties.helsenorge),
                             HeaderName.applicationTimeStamp: Timestamp.format(Date())],
                body: try Self.document(tag: "bad-1.0-\(UUID().uuidString)")), to: parties.submitQueue)

            let error = try await ProtonClient.receive(from: parties.errorQueue(TestParties.helsenorge))
            #expect(error.properties[HeaderName.errorCondition] == "transport:invalid-field-value")
            #expect(error.properties[HeaderName.errorDescription] == "One or more fields are missing")
            #expect(error.properties[HeaderName.errorConditionData] == "toHerId;")
            #expect(error.properties[HeaderName.originalMessageId] == id)
            #expect(error.properties[HeaderName.toHerId] == String(TestParties.helsenorge))
            #expect(error.subject == Self.function)
            #expect(error.body.isEmpty)
            // Nothing was delivered: checked after the hub has provably dealt with it.
            try await hub.quiesce(probe)
            #expect(await probe.count(parties.asyncQueue(TestParties.register)) == 0)
        }
    }

    /// Malformed 1.0 sections (here forged by a 0-9-1 publisher: a properties list claiming 4 GiB,
    /// an amqp-value string running past the end) are read as absent, and the usual check
    /// answers them: no crash, no hang, and the sender hears why.
    @Test func malformedSectionsMeetTheUsualRefusal() async throws {
        try await withHub { hub, probe, parties in
            let application = AMQP10ApplicationProperties([
                HeaderName.fromHerId: String(TestParties.helsenorge), HeaderName.toHerId: String(TestParties.register),
                HeaderName.applicationTimeStamp: Timestamp.format(Date()),
            ]).encoded()
            let message = AMQPOutboundMessage(
                routingKey: parties.submitQueue,
                properties: AMQPProperties(
                    type: AMQP10Ingress.encodedBodyType, deliveryMode: AMQPProperties.persistentDeliveryMode,
                    headers: [AMQP10Egress.propertiesHeader: .binaryString([0x00, 0x53, 0x73, 0xd0, 0xff, 0xff, 0xff, 0xff, 0x00]),
                              AMQP10Egress.applicationPropertiesHeader: .binaryString(application)]),
                body: [0x00, 0x53, 0x77, 0xa1, 0xff, 0x3c])
            #expect(await probe.client.publish([message], declaring: AMQPQueueOptions()).first == .confirmed)

            let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
            #expect(error.properties.headers[HeaderName.errorCondition] == .string("transport:invalid-field-value"))
            #expect(error.properties.headers[HeaderName.errorConditionData] == .string("Label;ContentType;MessageId;"))
            try await hub.quiesce(probe)
            #expect(await probe.count(parties.asyncQueue(TestParties.register)) == 0)
            #expect(await probe.count(parties.submitQueue) == 0)
        }
    }
}

import AMQPBridge
import Foundation
import Hub
import Testing

/// The register dialogs' check-digit rule (dialogs contract §1) in the real hubd, over AMQP and
/// REST alike: the exact error, and the number in no header, answer or log line.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CheckDigitRefusalTests {
    static func wrongRequest(msgId: String) -> [UInt8] {
        Array(String(decoding: TestDialogs.request(msgId: msgId), as: UTF8.self)
            .replacingOccurrences(of: "<Id>\(TestDialogs.patient)</Id>", with: "<Id>\(TestDialogs.wrongCheckDigits)</Id>").utf8)
    }

    @Test func aRegisterDialogWithAWrongFNRIsRefusedAndTheNumberGoesNowhere() async throws {
        let parties = try TestParties()
        let hubd = try await RESTHubd(parties: parties, overrides: ["HUBD_LOG_LEVEL": "debug"])
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        try await hubd.start()
        let wrong = TestDialogs.wrongCheckDigits

        // AMQP: an error message to the portal's error queue.
        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: Self.wrongRequest(msgId: UUID().uuidString),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        let headers = error.properties.headers
        #expect(headers[HeaderName.errorCondition] == .string("transport:invalid-field-value"))
        #expect(headers[HeaderName.errorDescription] == .string("Patient identity number has invalid check digits"))
        #expect(headers[HeaderName.errorConditionData] == .string("Patient/Ident;"))
        #expect(headers[HeaderName.originalMessageId] == .string(messageId))
        for (name, value) in headers { #expect(!value.visibleText.contains(wrong), "\(name)") }
        let properties = [error.properties.messageId, error.properties.correlationId, error.properties.type, error.properties.contentType]
        #expect(properties.allSatisfy { !($0 ?? "").contains(wrong) })
        #expect(error.body.isEmpty)

        // REST: a 400 problem with the same condition and description.
        let token = try await hubd.token([TestParties.helsenorge])
        let answer = try await hubd.send(
            Self.wrongRequest(msgId: UUID().uuidString), from: TestParties.helsenorge, to: TestParties.register, token: token)
        #expect(answer.status == 400)
        #expect(answer.json["errorCondition"] as? String == "transport:invalid-field-value")
        #expect(answer.json["detail"] as? String == "Patient identity number has invalid check digits")
        #expect(answer.json["errorConditionData"] as? String == "Patient/Ident;")
        #expect(!answer.text.contains(wrong))
        #expect(answer.headers.values.allSatisfy { !$0.contains(wrong) })

        // Nothing delivered, nothing stored, no second error message: the marker passed after both.
        _ = try await probe.submitMarker(to: parties.submitQueue)
        _ = try await probe.next(from: parties.asyncQueue(BrokerProbe.markerReceiver))
        #expect(await probe.count(parties.asyncQueue(TestParties.register)) == 0)
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        // The only conversation is the marker's (a register dialog too).
        let conversations = try await SQLiteStore(path: hubd.process.database).conversations(involving: nil, state: nil)
        #expect(conversations.map(\.receiverHerId) == [BrokerProbe.markerReceiver])

        #expect(hubd.process.terminate() == 0)
        let log = hubd.process.log
        #expect(log.contains("Patient identity number has invalid check digits"))
        // Neither the number nor its first nine digits (a masked number would still show those).
        #expect(!log.contains("198266060"))
    }
}

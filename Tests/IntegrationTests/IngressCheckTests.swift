import AMQPBridge
import Dialogs
import Foundation
import Hub
import Testing

/// Every ingress check of §2 answers with exactly its error message (§4), and the refused
/// submission leaves the submission queue.
@Suite(.serialized, .timeLimit(.minutes(5))) struct IngressCheckTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var from: Int = TestParties.helsenorge
        var headers: [String: String?] = [:]
        var contentType: String? = "application/xml"
        var type: String?
        /// Who gets the error message.
        var errorTo: Int = TestParties.helsenorge
        var condition: String
        var description: String
        var data: String
        /// What the error message's `X-MessageInfo-Type` and `type` must be.
        var function: String? = "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"
        /// The hub's size limit for this case.
        var maxBytes = 16 * 1024 * 1024

        var testDescription: String { name }
    }

    static let innsyn: String = {
        (try? String(decoding: TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)) ?? ""
    }()

    static let cases: [Case] = [
        Case(name: "missing toHerId", body: innsyn, headers: [HeaderName.toHerId: nil],
             condition: "transport:invalid-field-value", description: "One or more fields are missing", data: "toHerId;"),
        Case(name: "malformed toHerId, no timestamp, no content type", body: innsyn,
             headers: [HeaderName.toHerId: "register", HeaderName.applicationTimeStamp: nil], contentType: nil,
             condition: "transport:invalid-field-value", description: "One or more fields are missing",
             data: "toHerId;applicationTimeStamp;ContentType;"),
        Case(name: "malformed timestamp and wrong content type", body: innsyn,
             headers: [HeaderName.applicationTimeStamp: "yesterday"], contentType: "application/json",
             condition: "transport:invalid-field-value", description: "One or more fields are missing",
             data: "applicationTimeStamp;ContentType;"),
        // Regression: a 300-character function was copied into AMQP's `type` (255 bytes at most).
        Case(name: "overlong message function in the header", body: innsyn,
             headers: [HeaderName.messageType: String(repeating: "A", count: 300)],
             condition: "transport:invalid-field-value", description: "One or more fields are missing",
             data: "Label;", function: nil),
        Case(name: "overlong message function in the payload",
             body: innsyn.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK\"", with: String(repeating: "A", count: 300) + "\""),
             condition: "transport:invalid-field-value", description: "One or more fields are missing",
             data: "Label;", function: nil),
        // An identity number is never a HER-id, and never copied: the error comes from the hub.
        Case(name: "identity number as toHerId", body: innsyn, headers: [HeaderName.toHerId: "06898032297"],
             condition: "transport:invalid-field-value", description: "One or more fields are missing", data: "toHerId;"),
        Case(name: "no message function anywhere and an unreadable body", body: "not xml at all",
             condition: "transport:invalid-field-value", description: "One or more fields are missing",
             data: "Label;", function: nil),
        Case(name: "not well-formed", body: String(innsyn.prefix(300)),
             type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
             condition: "transport:not-well-formed-xml", description: "Could not deserialize payload", data: ""),
        Case(name: "a DTD", body: "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>" + innsyn.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: ""),
             type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
             condition: "transport:not-well-formed-xml", description: "Could not deserialize payload", data: ""),
        Case(name: "over the size limit", body: innsyn + "<!--" + String(repeating: "x", count: 100_000) + "-->",
             type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
             condition: "transport:not-well-formed-xml", description: "Could not deserialize payload", data: "",
             maxBytes: 100_000),
        Case(name: "root is not a MsgHead or an AppRec", body: "<Bestilling xmlns=\"urn:example\"/>",
             type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK",
             condition: "transport:not-well-formed-xml", description: "Could not deserialize payload", data: ""),
        Case(name: "MsgHead without MsgId", body: innsyn.replacingOccurrences(of: "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>", with: ""),
             condition: "transport:not-well-formed-xml", description: "line ", data: ""),
        Case(name: "schema violation", body: innsyn.replacingOccurrences(of: "<GenDate>2026-03-04T10:15:00+01:00</GenDate>", with: "<GenDate>19826606056</GenDate>"),
             condition: "transport:not-well-formed-xml", description: "line 6:", data: ""),
        Case(name: "spoofed sender", body: innsyn, from: TestParties.pts, errorTo: TestParties.pts,
             condition: "abuse:spoofing-attack", description: "The sender in the payload is not fromHerId",
             data: "10037005;10037002;"),
        Case(name: "receiver differs from toHerId", body: innsyn, headers: [HeaderName.toHerId: "10037006"],
             condition: "transport:invalid-field-value", description: "The receiver in the payload is not toHerId",
             data: "10037006;10037004;"),
        Case(name: "message function differs from the payload", body: innsyn,
             headers: [HeaderName.messageType: "DIALOG_INNBYGGER_HREG_MELDE_FEIL"],
             condition: "transport:invalid-field-value", description: "The message function does not match the payload",
             data: "DIALOG_INNBYGGER_HREG_MELDE_FEIL;DIALOG_INNBYGGER_HREG_INNSYN_BRUK;",
             function: "DIALOG_INNBYGGER_HREG_MELDE_FEIL"),
        Case(name: "inactive receiver", body: innsyn.replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>10037009</Id>"),
             headers: [HeaderName.toHerId: "10037009"],
             condition: "transport:invalid-field-value", description: "Receiver 10037009 is not a valid communication party",
             data: "toHerId;10037009;"),
        Case(name: "receiver without queues", body: innsyn.replacingOccurrences(of: "<Id>10037004</Id>", with: "<Id>10037010</Id>"),
             headers: [HeaderName.toHerId: "10037010"],
             condition: "transport:invalid-field-value", description: "Receiver 10037010 is not a valid communication party",
             data: "toHerId;10037010;"),
        // The register dialogs' patient FNR must have valid check digits (dialogs contract §1).
        Case(name: "patient FNR with wrong check digits",
             body: innsyn.replacingOccurrences(of: "<Id>19826606056</Id>", with: "<Id>19826606057</Id>"),
             condition: "transport:invalid-field-value", description: "Patient identity number has invalid check digits",
             data: "Patient/Ident;"),
        Case(name: "function the receiver does not take",
             body: innsyn.replacingOccurrences(of: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", with: "DIALOG_INNBYGGER_EKONTAKT"),
             condition: "transport:unsupported-message", description: "Receiver 10037004 does not accept DIALOG_INNBYGGER_EKONTAKT",
             data: "DIALOG_INNBYGGER_EKONTAKT;", function: "DIALOG_INNBYGGER_EKONTAKT"),
    ]

    @Test(arguments: cases)
    func checkAnswersWithItsErrorMessage(_ check: Case) async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties) { $0.maxMessageBytes = check.maxBytes }
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        var headers = BrokerProbe.headers(from: check.from, to: TestParties.register)
        for (name, value) in check.headers { headers[name] = value }
        let messageId = UUID().uuidString.lowercased()
        try await probe.submit(
            to: parties.submitQueue, body: Array(check.body.utf8), messageId: messageId, headers: headers,
            contentType: check.contentType, type: check.type)

        let error = try await probe.next(from: parties.errorQueue(check.errorTo))
        let received = error.properties.headers
        #expect(received[HeaderName.errorCondition] == .string(check.condition))
        let description = received[HeaderName.errorDescription]?.stringValue ?? ""
        if check.description.hasPrefix("line ") {
            #expect(description.hasPrefix(check.description))
            #expect(!description.contains("19826606056"))
        } else {
            #expect(description == check.description)
        }
        #expect(received[HeaderName.errorConditionData] == .string(check.data))
        // No header carries the patient's number, right or wrong (both begin 1982660605).
        for (name, value) in received { #expect(!"\(value)".contains("1982660605"), "\(name)") }
        #expect(received[HeaderName.originalMessageId] == .string(messageId))
        // From the receiver the submission named, or from the hub when it named none it could.
        let namedReceiver = headers[HeaderName.toHerId].flatMap { HerId.parse($0) != nil ? $0 : nil }
        #expect(received[HeaderName.fromHerId] == .string(namedReceiver ?? String(TestParties.nhn)))
        #expect(received[HeaderName.toHerId] == .string(String(check.from)))
        #expect(received[HeaderName.applicationTimeStamp]?.stringValue.map(Timestamp.isDateTime) == true)
        #expect(received[HeaderName.receiverTimeStamp]?.stringValue.map(Timestamp.isDateTime) == true)
        #expect(received[HeaderName.messageType]?.stringValue == check.function)
        #expect(error.properties.type == check.function)
        #expect(error.body.isEmpty)
        #expect(error.properties.contentType == "text/plain")
        #expect(error.properties.messageId != nil && error.properties.messageId != messageId)
        #expect(error.properties.deliveryMode == AMQPProperties.persistentDeliveryMode)

        // Gone from the submission queue, delivered to nobody, and no second error message.
        try await hub.quiesce(probe)
        #expect(await probe.count(parties.submitQueue) == 0)
        #expect(await probe.count(parties.asyncQueue(TestParties.register)) == 0)
        #expect(await probe.count(parties.errorQueue(check.errorTo)) == 0)
        try await hub.stop()
    }

    @Test func duplicateIsAcknowledgedAndNotDeliveredAgain() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let body = try TestEnvironment.example("melde_feil.xml")
        let headers = BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)
        let first = try #require(try await probe.submit(to: parties.submitQueue, body: body, headers: headers))
        _ = try await probe.next(from: parties.asyncQueue(TestParties.register))
        // Same sender and MsgId, new transmission id: a duplicate.
        let second = try #require(try await probe.submit(to: parties.submitQueue, body: body, headers: headers))

        try await hub.quiesce(probe)
        #expect(await probe.count(parties.submitQueue) == 0)
        #expect(await probe.count(parties.asyncQueue(TestParties.register)) == 0)
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        #expect(try await hub.statuses(first) == [.accepted, .sent])
        #expect(try await hub.store.reports(for: second).isEmpty)
        try await hub.stop()
    }

    @Test func unknownSenderEndsInTheDeadLettersNotARedeliveryLoop() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let body = try TestEnvironment.example("innsyn_bruk.xml")
        let messageId = try #require(try await probe.submit(
            to: parties.submitQueue, body: body, headers: BrokerProbe.headers(from: 99_999_999, to: TestParties.register)))

        let copy = try await probe.next(from: parties.deadQueue)
        #expect(copy.body == body)
        #expect(copy.properties.messageId == messageId)
        #expect(copy.properties.headers[HeaderName.deadLetterReason] == .string("sender 99999999 is not in the registry"))
        #expect(try await probe.waitUntilEmpty(parties.submitQueue))

        let letters = try await hub.store.deadLetters()
        #expect(letters.count == 1)
        #expect(letters.first?.messageId == messageId)
        #expect(letters.first?.fromHerId == "99999999")
        #expect(letters.first?.reason == "sender 99999999 is not in the registry")
        // Once only: no redelivery, and the same transmission again (as after a crash before the
        // acknowledgement) makes no second dead letter.
        try await probe.submit(
            to: parties.submitQueue, body: body, messageId: messageId,
            headers: BrokerProbe.headers(from: 99_999_999, to: TestParties.register))
        try await hub.quiesce(probe)
        #expect(await probe.count(parties.submitQueue) == 0)
        #expect(try await hub.store.deadLetters().count == 1)
        #expect(await probe.count(parties.deadQueue) == 0)
        try await hub.stop()
    }

    @Test func senderWithoutErrorQueueAndMissingFromHerIdAreDeadLetters() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let body = try TestEnvironment.example("innsyn_bruk.xml")
        var headers = BrokerProbe.headers(from: TestParties.withoutQueues, to: TestParties.register)
        try await probe.submit(to: parties.submitQueue, body: body, headers: headers)
        headers[HeaderName.fromHerId] = nil
        try await probe.submit(to: parties.submitQueue, body: body, headers: headers)

        let reasons = Set([try await probe.next(from: parties.deadQueue), try await probe.next(from: parties.deadQueue)]
            .compactMap { $0.properties.headers[HeaderName.deadLetterReason]?.stringValue })
        #expect(reasons == ["sender 10037010 has no error queue", "fromHerId is missing or not a HER-id"])
        #expect(try await probe.waitUntilEmpty(parties.submitQueue))
        try await hub.stop()
    }

    @Test func receiverErrorMessageGoesToTheErrorQueueUnansweredAndRejectsTheOriginal() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }

        let original = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestEnvironment.example("innsyn_helseopplysninger.xml"),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        _ = try await probe.next(from: parties.asyncQueue(TestParties.register))

        // The register's own error message about it: empty body, errorCondition set.
        let headers = [
            HeaderName.fromHerId: "10037004", HeaderName.toHerId: "10037002",
            HeaderName.originalMessageId: original, HeaderName.errorCondition: "transport:invalid-field-value",
            HeaderName.errorDescription: "Receiver cannot process", HeaderName.errorConditionData: "x;",
        ]
        let errorId = try #require(try await probe.submit(
            to: parties.submitQueue, body: [], headers: headers, contentType: "text/plain"))
        let routed = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(routed.body.isEmpty)
        #expect(routed.properties.messageId == errorId)
        for (name, value) in headers { #expect(routed.properties.headers[name] == .string(value)) }
        #expect(try await hub.waitFor(.rejected, of: original) == [.accepted, .sent, .rejected])

        // An error message from a party that never received the original moves nothing.
        let other = try #require(try await probe.submit(
            to: parties.submitQueue, body: TestEnvironment.example("innsyn_bruk.xml"),
            headers: BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)))
        try await hub.waitFor(.sent, of: other)
        var stranger = headers
        stranger[HeaderName.fromHerId] = "10037005"
        stranger[HeaderName.originalMessageId] = other
        try await probe.submit(to: parties.submitQueue, body: [], headers: stranger, contentType: "text/plain")
        _ = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(try await hub.statuses(other) == [.accepted, .sent])

        // Never answered: nothing goes back to the register's error queue.
        try await hub.quiesce(probe)
        #expect(await probe.count(parties.errorQueue(TestParties.register)) == 0)

        // Even when it cannot be routed, it is not answered: it becomes a dead letter.
        var unroutable = headers
        unroutable[HeaderName.toHerId] = "10037010"
        try await probe.submit(to: parties.submitQueue, body: [], headers: unroutable, contentType: "text/plain")
        let dead = try await probe.next(from: parties.deadQueue)
        #expect(dead.properties.headers[HeaderName.deadLetterReason] == .string("party 10037010 has no error queue"))
        #expect(await probe.count(parties.errorQueue(TestParties.register)) == 0)
        try await hub.stop()
    }

    @Test func aRedeliveredRefusalIsAnsweredOnce() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        let headers = BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)
        let messageId = UUID().uuidString.lowercased()
        for _ in 0..<2 {
            try await probe.submit(
                to: parties.submitQueue, body: Array("not xml".utf8), messageId: messageId, headers: headers,
                type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        }
        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(error.properties.headers[HeaderName.originalMessageId] == .string(messageId))
        try await hub.quiesce(probe)
        #expect(await probe.count(parties.submitQueue) == 0)
        #expect(await probe.count(parties.errorQueue(TestParties.helsenorge)) == 0)
        try await hub.stop()
    }

    @Test func anErrorConditionOnAFullMessageIsCheckedAsAMessage() async throws {
        let parties = try TestParties()
        let hub = try await InProcessHub(parties: parties)
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues); await probe.close() } }
        var headers = BrokerProbe.headers(from: TestParties.helsenorge, to: TestParties.register)
        headers[HeaderName.errorCondition] = "transport:invalid-field-value"
        let body = Self.innsyn.replacingOccurrences(of: "<Id>10037002</Id>", with: "<Id>10037005</Id>")
        try await probe.submit(to: parties.submitQueue, body: Array(body.utf8), headers: headers)
        // Not routed to an error queue as a receiver's error message: refused as a spoofed message.
        let error = try await probe.next(from: parties.errorQueue(TestParties.helsenorge))
        #expect(error.properties.headers[HeaderName.errorCondition] == .string("abuse:spoofing-attack"))
        try await hub.quiesce(probe)
        #expect(await probe.count(parties.errorQueue(TestParties.register)) == 0)
        try await hub.stop()
    }
}

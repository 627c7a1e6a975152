import AMQPBridge
import Dialogs
import Foundation
import Hub
import Testing

/// The 48 real messages from other public projects of the sector (`../shared/fixtures/public`):
/// each schema-valid one is delivered byte-identical, each invalid one refused with the
/// contract's condition. What each one is, and why, is the table below; the files themselves
/// are read from the shared folder, never copied into this repository.
@Suite(.serialized, .timeLimit(.minutes(3))) struct PublicFixtureTests {
    enum Expected: Sendable, Equatable {
        case delivered
        case refused(String)
    }

    static let folder = TestEnvironment.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures/public")

    static let notWellFormed = Expected.refused("transport:not-well-formed-xml")
    static let spoofing = Expected.refused("abuse:spoofing-attack")

    /// Every file of the manifest, with what the contract makes of it.
    static let expectations: [String: Expected] = [
        // Schema-valid MsgHeads; foreign payloads (e-prescriptions, settlements) are carried unvalidated.
        "helsenorge-Helsenorge.Messaging/Dialogtjeneste12_Kommunikasjonstest_Request.xml": .delivered,
        "helsenorge-Helsenorge.Messaging/DIALOG_INNBYGGER_EKONTAKT.xml": .delivered,
        "helsenorge-Helsenorge.Messaging/DIALOG_INNBYGGER_RESEPTFORNYELSE.xml": .delivered,
        "helsenorge-Helsenorge.Messaging/Helsenorge_Message.xml": .delivered,
        "helsenorge-Helsenorge.Messaging/Ekontakt.xml": .delivered,
        "ks-no-fiks-nhn-client/dialog-foresporsel-samsvar-test.xml": .delivered,
        "ks-no-fiks-nhn-client/dialog-notat-webmed-test.xml": .delivered,
        "ks-no-fiks-nhn-client/dialog-svar-webmed-test-2.xml": .delivered,
        "ks-no-fiks-nhn-client/dialog-svar-webmed-test.xml": .delivered,
        "ks-no-fiks-nhn-client/helsefaglig-samsvar-test-message.xml": .delivered,
        "navikt-helsemelding-message-converter/message_with_attachments.xml": .delivered,
        "navikt-helsemelding-message-converter/message_without_attachments.xml": .delivered,
        "navikt-helsemelding-inbound-message-service/incomingDialogMessage.xml": .delivered,
        "navikt-ebxml-processor/oppgjorsmelding-POM-signed.xml": .delivered,
        "navikt-ebxml-processor/asdsa.xml": .delivered,
        "navikt-ebxml-processor/m1.helseid.multiple.xml": .delivered,
        // Schema-valid AppRecs (v1.0 and v1.1).
        "helsenorge-Helsenorge.Messaging/MetadataTests_Apprec10.xml": .delivered,
        "helsenorge-Helsenorge.Messaging/MetadataTests_Apprec11.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.0-all-data.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.0-example-avvist.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.0-example-ok.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.0-unknown-status.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.1-all-data.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.1-example-avvist.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.1-example-ok.xml": .delivered,
        "ks-no-fiks-nhn-client/apprec-1.1-unknown-status.xml": .delivered,
        // Schema-valid, but naming no HER-id for a party: nothing to route by, and the sender in
        // the payload is not the sender in the header (check 5).
        "ks-no-fiks-nhn-client/apprec-1.0-example-ok-feil-i-delmelding.xml": spoofing,
        "navikt-ebxml-processor/innrapportering-trekk-payload.xml": spoofing,
        // A message function in mixed case: not one of `A`–`Z`, `0`–`9`, `_` (check 1, `Label`).
        "navikt-ebxml-processor/egenandelforesporsel-helseid-ok.xml": .refused("transport:invalid-field-value"),
        "navikt-ebxml-processor/egenandelforesporsel.xml": .refused("transport:invalid-field-value"),
        // Its Base64Container carries `schemaLocation` in a misspelt XML Schema instance
        // namespace, which the base64container schema does not allow.
        "helsenorge-Helsenorge.Messaging/MetadataTestsDialogmelding11.xml": notWellFormed,
        // Invalid in their own repositories: wrong or missing MIGversion, a template with
        // placeholders, a DOCTYPE, ISO-8859-1, wrappers around a MsgHead, and not XML at all.
        "ks-no-fiks-nhn-client/apprec-missing-migversion.xml": notWellFormed,
        "ks-no-fiks-nhn-client/apprec-unknown-migversion.xml": notWellFormed,
        "ks-no-fiks-nhn-client/dialogmelding-invalid-version.xml": notWellFormed,
        "navikt-helsemelding-message-generator/dialogMessage.xml": notWellFormed,
        "navikt-helsemelding-message-converter/message_with_doctype.xml": notWellFormed,
        "navikt-ebxml-processor/testfil.xml": notWellFormed,
        "navikt-ebxml-processor/oppgjorsmelding-ebxml-soap-envelope.xml": notWellFormed,
        "navikt-ebxml-processor/oppgjorsmelding-POM.p7m": notWellFormed,
        "navikt-ebxml-processor/oppgjorsmelding-POM.xml.gz": notWellFormed,
        "navikt-ebxml-processor/m1.helseid.ok.b64": notWellFormed,
        "navikt-ebxml-processor/kryptert_fil.b64": notWellFormed,
        "navikt-padm2/dialogmelding_dialog_notat.xml": notWellFormed,
        "navikt-padm2/dialogmelding_dialog_svar_foresporsel_om_pasient.xml": notWellFormed,
        "navikt-padm2/dialogmelding_kiropraktor.xml": notWellFormed,
        "navikt-syfosmmottak/fellesformat.xml": notWellFormed,
        "navikt-pale-2/fellesformat_le.xml": notWellFormed,
        "navikt-isdialogmelding/apprecOK.xml": notWellFormed,
    ]

    struct Fixture: Sendable {
        var file: String
        var body: [UInt8]
        /// The sender and MsgHead `MsgId`/AppRec `Id`: two fixtures share one, and the second
        /// would be dropped as a duplicate (check 8), so they go through separate hubs.
        var duplicateKey: String?
        /// The parties the payload names, when it names them by HER-id.
        var sender: Int?
        var receiver: Int?
        var function: String?
    }

    static func fixtures() throws -> [Fixture] {
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let files = (manifest as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }
        return try files.map { file in
            let body = [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
            // The routing fields are read leniently (no limits, no schema) just to address the submission.
            let message = try? DialogParser(maxBytes: 64 << 20).parse(body).requireMessage()
            return Fixture(
                file: file, body: body, duplicateKey: message.map { "\($0.sender.effective ?? 0)/\($0.id)" },
                sender: message?.sender.effective, receiver: message?.receiver.effective,
                function: message?.messageFunction)
        }
    }

    @Test func eachIsDeliveredOrRefusedAsTheContractSays() async throws {
        let fixtures = try Self.fixtures()
        #expect(fixtures.count == 48)
        #expect(Set(fixtures.map(\.file)) == Set(Self.expectations.keys), "the table names every file of the manifest")
        // A registry that knows every party the fixtures name, each with its own queues.
        let herIds = Set(fixtures.flatMap { [$0.sender, $0.receiver].compactMap { $0 } })
        let prefix = "t" + UUID().uuidString.prefix(8).lowercased()
        let parties = try TestParties(prefix: prefix) { json in
            let extra = herIds.sorted().map { herId in
                """
                {"HerId": \(herId), "Name": "Fixture party \(herId)", "Type": "Service", "Active": true,
                 "IsValidCommunicationParty": true, "ElectronicAddresses": [
                  {"Address": "tb.example.no/HubTest/\(prefix)_\(herId)_async", "TypeCodeValue": "E_SB_ASYNC"},
                  {"Address": "tb.example.no/HubTest/\(prefix)_\(herId)_error", "TypeCodeValue": "E_SB_ERROR"}]}
                """
            }
            guard let close = json.range(of: "]", options: .backwards) else { return json }
            return json.replacingCharacters(in: close, with: "," + extra.joined(separator: ",") + "]")
        }
        let probe = try BrokerProbe()
        defer { Task { await probe.delete(parties.allQueues + herIds.flatMap { [parties.asyncQueue($0), parties.errorQueue($0)] }); await probe.close() } }
        // Rounds in which no two fixtures share a duplicate key, each through a fresh hub.
        var rounds: [[Fixture]] = []
        for fixture in fixtures {
            let round = rounds.firstIndex { round in
                fixture.duplicateKey == nil || !round.contains { $0.duplicateKey == fixture.duplicateKey }
            }
            if let round { rounds[round].append(fixture) } else { rounds.append([fixture]) }
        }
        var submitted: [(fixture: Fixture, messageId: String, from: Int, to: Int)] = []
        for round in rounds {
            submitted += try await submit(round, through: parties, probe: probe)
        }

        // Every outcome, by message_id.
        var deliveries: [String: [AMQPDelivery]] = [:]
        var errors: [String: [AMQPDelivery]] = [:]
        for herId in herIds.union([TestParties.helsenorge, TestParties.register]) {
            for delivery in await probe.drain(parties.asyncQueue(herId)) {
                deliveries[delivery.properties.messageId ?? "", default: []].append(delivery)
            }
            for error in await probe.drain(parties.errorQueue(herId)) {
                errors[error.properties.headers[HeaderName.originalMessageId]?.stringValue ?? "", default: []].append(error)
            }
        }
        for (fixture, messageId, from, to) in submitted {
            let expected = Self.expectations[fixture.file]
            let delivered = deliveries[messageId] ?? []
            let refused = errors[messageId] ?? []
            switch expected {
            case .delivered:
                #expect(delivered.count == 1 && refused.isEmpty,
                        "\(fixture.file): delivered \(delivered.count)×, refused with \(refused.map { $0.properties.headers[HeaderName.errorCondition]?.stringValue ?? "?" }) \(refused.first?.properties.headers[HeaderName.errorDescription]?.stringValue ?? "")")
                #expect(delivered.first?.body == fixture.body, "\(fixture.file): not byte-identical")
                #expect(delivered.first?.properties.headers[HeaderName.toHerId] == .string(String(to)))
            case .refused(let condition):
                #expect(delivered.isEmpty, "\(fixture.file): delivered")
                #expect(refused.count == 1, "\(fixture.file): \(refused.count) error messages")
                #expect(refused.first?.properties.headers[HeaderName.errorCondition] == .string(condition),
                        "\(fixture.file): \(refused.first?.properties.headers[HeaderName.errorCondition]?.stringValue ?? "none") \(refused.first?.properties.headers[HeaderName.errorDescription]?.stringValue ?? "")")
                #expect(refused.first?.properties.headers[HeaderName.toHerId] == .string(String(from)))
            case nil:
                Issue.record("\(fixture.file) is not in the table")
            }
        }
    }

    /// Submits the fixtures, each addressed as its payload says, through a hub of their own.
    private func submit(
        _ fixtures: [Fixture], through parties: TestParties, probe: BrokerProbe
    ) async throws -> [(fixture: Fixture, messageId: String, from: Int, to: Int)] {
        let hub = try await InProcessHub(parties: parties)
        var submitted: [(fixture: Fixture, messageId: String, from: Int, to: Int)] = []
        for fixture in fixtures {
            let from = fixture.sender ?? TestParties.helsenorge
            let to = fixture.receiver ?? TestParties.register
            let messageId = UUID().uuidString.lowercased()
            var headers = BrokerProbe.headers(from: from, to: to)
            // As the sector's library does: the function in the header, read from the payload.
            headers[HeaderName.messageType] = fixture.function ?? "DIALOG_INNBYGGER_EKONTAKT"
            try await probe.submit(to: parties.submitQueue, body: fixture.body, messageId: messageId, headers: headers)
            submitted.append((fixture, messageId, from, to))
        }
        try await hub.quiesce(probe)
        try await hub.stop()
        return submitted
    }
}

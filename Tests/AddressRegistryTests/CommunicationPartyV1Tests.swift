@testable import AddressRegistry
import Foundation
import Testing

/// AR's CommunicationParty v1 JSON, as `hubd registry import` and the AR sync read it (dialogs.md §3).
@Suite struct CommunicationPartyV1Tests {
    static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/examples/registry-v1.json")
    /// 2026-12-03: after every validFrom of the example, after 10037009's validTo.
    static let now = Date(timeIntervalSince1970: 1_796_300_000)

    func parse(_ json: String) throws(RegistryImportError) -> [RegistryEntry] {
        try RegistryFile.parse(Data(json.utf8))
    }

    func registry(_ json: String, at now: Date = now) throws -> AddressRegistry {
        AddressRegistry(parties: try parse(json).map { $0.party.asOf(now) })
    }

    @Test func exampleFileRoutesLikeTheLegacyOne() throws {
        let entries = try RegistryFile.parse(Data(contentsOf: Self.exampleFile))
        let registry = AddressRegistry(parties: entries.map { $0.party.asOf(Self.now) })
        #expect(registry.count == 10)

        let register = try #require(registry.party(herId: 10037004))
        #expect(register.queue(.async) == "10037004_async")
        #expect(register.queue(.sync) == "10037004_sync")
        #expect(register.queue(.error) == "10037004_error")
        #expect(register.queue(.syncReply) == nil)
        #expect(register.parentHerId == 10037003)
        #expect(register.parentName == "Eksempel helseforetak HF")
        #expect(register.type == .service)
        #expect(register.canSend && register.canReceive)
        // v1 has no Receives list: no capability check.
        #expect(register.accepts(messageFunction: "DIALOG_INNBYGGER_EKONTAKT"))

        // Inherited: its parent's queues, marked so.
        let department = try #require(registry.party(herId: 10037008))
        #expect(department.queue(.async) == "10037007_async")
        #expect(department.queue(.error) == "10037007_error")
        #expect(department.electronicAddresses.allSatisfy { $0.inherited })
        #expect(department.canReceive)

        // Disabled: no AMQP.
        let organisation = try #require(registry.party(herId: 10037001))
        #expect(organisation.electronicAddresses.isEmpty && !organisation.canReceive && !organisation.canSend)
        #expect(try #require(registry.party(herId: 10037010)).canReceive == false)

        // Past its validTo: not active, queues kept.
        let closed = try #require(registry.party(herId: 10037009))
        #expect(!closed.active && closed.queue(.async) == "10037009_async" && !closed.canReceive)
    }

    @Test func validityBoundsActivity() throws {
        let json = #"""
            [{"herId": 7, "type": "Service", "amqpTransportStatus": "Enabled",
              "amqpAddress": {"amqpAsyncQueue": "7_async", "amqpErrorQueue": "7_error"},
              "validFrom": "2026-01-01T00:00:00Z", "validTo": "2027-01-01T00:00:00.0000000+01:00"}]
            """#
        let party = try #require(try parse(json).first?.party)
        #expect(party.validFrom == Date(timeIntervalSince1970: 1_767_225_600))
        #expect(party.validTo == Date(timeIntervalSince1970: 1_798_758_000))
        #expect(!party.asOf(Date(timeIntervalSince1970: 1_767_225_599)).canReceive)
        #expect(party.asOf(Date(timeIntervalSince1970: 1_767_225_600)).canReceive)
        #expect(!party.asOf(Date(timeIntervalSince1970: 1_798_758_000)).canReceive)

        let registry = AddressRegistry(parties: [party])
        #expect(registry.nextValidityChange(after: Date(timeIntervalSince1970: 0)) == party.validFrom)
        #expect(registry.nextValidityChange(after: Date(timeIntervalSince1970: 1_767_225_600)) == party.validTo)
        #expect(registry.nextValidityChange(after: Date(timeIntervalSince1970: 1_798_758_000)) == nil)
    }

    @Test func aTimeWithoutOffsetIsNorwegian() throws {
        let winter = try #require(try parse(#"[{"herId": 1, "amqpTransportStatus": "Disabled", "validFrom": "2026-01-15T12:00:00"}]"#).first)
        #expect(winter.party.validFrom == Date(timeIntervalSince1970: 1_768_474_800))  // 11:00 UTC
        let summer = try #require(try parse(#"[{"herId": 1, "amqpTransportStatus": "Disabled", "validFrom": "2026-07-15T12:00"}]"#).first)
        #expect(summer.party.validFrom == Date(timeIntervalSince1970: 1_784_109_600))  // 10:00 UTC
    }

    @Test func inheritanceFollowsTheParentAndEndsWhereTheChainDoes() throws {
        let registry = try registry(#"""
            [{"herId": 1, "type": "Organization", "amqpTransportStatus": "Enabled",
              "amqpAddress": {"amqpAsyncQueue": "sb/1_async", "amqpErrorQueue": "sb/1_error", "amqpSyncQueue": ""}},
             {"herId": 2, "type": "Service", "amqpTransportStatus": "Inherited",
              "amqpAddress": {"amqpAsyncQueue": "ignored_async"},
              "serviceDetails": {"parentOrganization": {"herId": 1, "name": "One"}}},
             {"herId": 3, "type": "Person", "amqpTransportStatus": "Inherited",
              "personDetails": {"hprNumber": 9, "parentOrganization": {"herId": 2, "name": "Two"}}},
             {"herId": 4, "type": "Service", "amqpTransportStatus": "Inherited",
              "serviceDetails": {"parentOrganization": {"herId": 99, "name": "Gone"}}},
             {"herId": 5, "type": "Organization", "amqpTransportStatus": "Inherited"},
             {"herId": 6, "type": "Service", "amqpTransportStatus": "Inherited",
              "serviceDetails": {"parentOrganization": {"herId": 7, "name": "Seven"}}},
             {"herId": 7, "type": "Service", "amqpTransportStatus": "Inherited",
              "serviceDetails": {"parentOrganization": {"herId": 6, "name": "Six"}}},
             {"herId": 8, "type": "Service", "amqpTransportStatus": "SomethingNew",
              "amqpAddress": {"amqpAsyncQueue": "8_async"}}]
            """#)
        #expect(registry.party(herId: 2)?.queue(.async) == "1_async")
        #expect(registry.party(herId: 2)?.queue(.sync) == nil)
        // A person under an inheriting service: up the chain to the first with queues of its own.
        #expect(registry.party(herId: 3)?.queue(.error) == "1_error")
        #expect(registry.party(herId: 3)?.parentHerId == 2)
        // A parent that is not there, no parent, a loop, a status this version does not know: no queues.
        for herId in [4, 5, 6, 7, 8] {
            #expect(registry.party(herId: herId)?.canReceive == false, "\(herId)")
        }
        // The organisation's token acts for what hangs below it.
        #expect(registry.withDepartments(of: [1]) == [1, 2, 3])
    }

    @Test func aParentThatMovesTakesItsInheritingPartiesAlong() throws {
        func parent(_ queue: String) -> String {
            #"{"herId": 1, "amqpTransportStatus": "Enabled", "amqpAddress": {"amqpAsyncQueue": "\#(queue)"}}"#
        }
        let child = #"{"herId": 2, "amqpTransportStatus": "Inherited", "serviceDetails": {"parentOrganization": {"herId": 1, "name": "P"}}}"#
        #expect(try registry("[\(parent("old_async")), \(child)]").party(herId: 2)?.queue(.async) == "old_async")
        #expect(try registry("[\(child), \(parent("new_async"))]").party(herId: 2)?.queue(.async) == "new_async")
    }

    @Test(arguments: [
        (#"[{"herId": 0, "amqpTransportStatus": "Enabled"}]"#, RegistryImportError.invalidHerId(index: 0)),
        (#"[{"herId": null, "amqpTransportStatus": "Enabled"}]"#, .missingHerId(index: 0)),
        (#"[{"herId": 1, "validTo": "31.12.2026"}]"#, .invalidDateTime(index: 0, member: "validTo")),
        (#"[{"herId": 1, "validFrom": "2026-02-30T00:00:00"}]"#, .invalidDateTime(index: 0, member: "validFrom")),
        (#"[{"herId": 1, "validFrom": "٢٠٢٦-01-01T00:00:00"}]"#, .invalidDateTime(index: 0, member: "validFrom")),
        (#"[{"herId": 1, "validFrom": 20260101}]"#, .invalidDateTime(index: 0, member: "validFrom")),
        (#"[{"herId": 1}, {"herId": 1}]"#, .duplicateHerId(index: 1, herId: 1)),
        (#"[{"herId": 1}, {"HerId": 2}]"#, .otherFormat(index: 1, expected: .communicationPartyV1, found: .legacy)),
        (#"[{"HerId": 1}, {"herId": 2}]"#, .otherFormat(index: 1, expected: .legacy, found: .communicationPartyV1)),
    ])
    func badElementsNameTheElement(json: String, expected: RegistryImportError) {
        #expect(throws: expected) { _ = try parse(json) }
    }

    @Test func formatErrorsReadForTheOperator() {
        #expect(RegistryImportError.otherFormat(index: 1, expected: .communicationPartyV1, found: .legacy).description
            == "element 1: in the legacy registry format, but the file is in AR's CommunicationParty v1 format (its first element's)")
        #expect(RegistryImportError.invalidDateTime(index: 2, member: "validTo").description
            == "element 2: validTo is not an ISO 8601 date-time")
    }

    @Test func anAnswerOfARIsReadAsV1Only() {
        #expect(throws: RegistryImportError.otherFormat(index: 0, expected: .communicationPartyV1, found: .legacy)) {
            _ = try RegistryFile.parse(Data(#"[{"HerId": 1}]"#.utf8), as: .communicationPartyV1)
        }
    }

    @Test func storedDocumentsParseBackToTheSameParty() throws {
        for entry in try RegistryFile.parse(Data(contentsOf: Self.exampleFile)) {
            #expect(try RegistryFile.parseStored(entry.document) == entry.party)
        }
    }
}

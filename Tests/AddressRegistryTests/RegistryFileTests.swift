@testable import AddressRegistry
import Foundation
import Testing

@Suite struct RegistryFileTests {
    static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("deploy/examples/registry.json")

    func parse(_ json: String) throws(RegistryImportError) -> [RegistryEntry] {
        try RegistryFile.parse(Data(json.utf8))
    }

    @Test func exampleRegistryRoutesByAddressesNotHerIds() throws {
        let entries = try RegistryFile.parse(Data(contentsOf: Self.exampleFile))
        let registry = AddressRegistry(parties: entries.map(\.party))
        #expect(registry.count == 10)

        let portal = try #require(registry.party(herId: 10037002))
        #expect(portal.queue(.async) == "10037002_async")
        #expect(portal.queue(.error) == "10037002_error")
        #expect(portal.canSend && portal.canReceive)

        // A department inheriting its parent's queues routes to the parent's queue, as given.
        let department = try #require(registry.party(herId: 10037008))
        #expect(department.queue(.async) == "10037007_async")
        #expect(department.electronicAddresses.allSatisfy { $0.inherited })

        let organisationWithoutQueues = try #require(registry.party(herId: 10037001))
        #expect(!organisationWithoutQueues.canReceive && !organisationWithoutQueues.canSend)

        let inactive = try #require(registry.party(herId: 10037009))
        #expect(inactive.queue(.async) == "10037009_async")
        #expect(!inactive.canReceive && !inactive.canSend)

        let noQueues = try #require(registry.party(herId: 10037010))
        #expect(noQueues.active && noQueues.isValidCommunicationParty && !noQueues.canReceive)
    }

    @Test func capabilitiesAlwaysAllowAppRec() throws {
        let registry = AddressRegistry(parties: try RegistryFile.parse(Data(contentsOf: Self.exampleFile)).map(\.party))
        let register = try #require(registry.party(herId: 10037004))
        #expect(register.accepts(messageFunction: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"))
        #expect(register.accepts(messageFunction: "APPREC"))
        #expect(!register.accepts(messageFunction: "DIALOG_INNBYGGER_EKONTAKT"))
        // No Receives list: no capability check.
        #expect(try #require(registry.party(herId: 10037002)).accepts(messageFunction: "ANYTHING"))
    }

    @Test func wrappedElementsAndCodeValueAddresses() throws {
        let entries = try parse("""
            [{"herId": 42, "parentHerId": 7, "type": "Department",
              "communicationParty": {"Name": "Wrapped", "Active": true, "IsValidCommunicationParty": true,
                "ElectronicAddresses": [{"Address": "sb/x/42_async", "Type": {"CodeValue": "E_SB_ASYNC"}},
                                        {"Address": "sb/x/42_error", "TypeCodeValue": "E_SB_ERROR"}]}}]
            """)
        let party = try #require(entries.first?.party)
        #expect(party.herId == 42)
        #expect(party.parentHerId == 7)
        #expect(party.type == .department)
        #expect(party.queue(.async) == "42_async")
        #expect(party.canSend && party.canReceive)
    }

    /// AR's legacy parties carry no `Active` (AR gives out the active ones) and may leave
    /// `IsValidCommunicationParty` null: an export imports as it is, and its parties can route.
    @Test func aLegacyPartyWithoutActiveIsActive() throws {
        let entries = try parse("""
            [{"HerId": 42, "Name": "From AR", "Type": "Service", "IsValidCommunicationParty": null,
              "Valid": {"From": "2020-01-01T00:00:00", "To": null},
              "ElectronicAddresses": [{"Address": "sb/x/42_async", "TypeCodeValue": "E_SB_ASYNC"},
                                      {"Address": "sb/x/42_error", "TypeCodeValue": "E_SB_ERROR"}]},
             {"HerId": 43, "Name": "Said so", "Active": false, "IsValidCommunicationParty": false}]
            """)
        let fromAR = try #require(entries.first?.party)
        #expect(fromAR.active && fromAR.isValidCommunicationParty)
        #expect(fromAR.canSend && fromAR.canReceive)
        let saidSo = try #require(entries.last?.party)
        #expect(!saidSo.active && !saidSo.isValidCommunicationParty)
    }

    @Test func displayNameWinsAndUnknownTypesAreKept() throws {
        let party = try #require(try parse("""
            [{"HerId": 5, "Name": "Long", "DisplayName": "Short", "Type": "Robot", "ParentHerId": -1}]
            """).first?.party)
        #expect(party.shownName == "Short")
        #expect(party.type == .other("Robot"))
        #expect(party.parentHerId == nil)
        #expect(!party.canSend)
    }

    @Test(arguments: [
        ("{}", RegistryImportError.notAnArray),
        ("[1]", .notAnObject(index: 0)),
        (#"[{"HerId": 1}, {"Name": "x"}]"#, .missingHerId(index: 1)),
        (#"[{"HerId": 0}]"#, .invalidHerId(index: 0)),
        (#"[{"HerId": "12"}]"#, .invalidHerId(index: 0)),
        (#"[{"HerId": 1.5}]"#, .invalidHerId(index: 0)),
        (#"[{"HerId": true}]"#, .invalidHerId(index: 0)),
        (#"[{"HerId": 3}, {"HerId": 4}, {"HerId": 3}]"#, .duplicateHerId(index: 2, herId: 3)),
    ])
    func badFilesNameTheElement(json: String, expected: RegistryImportError) {
        #expect(throws: expected) { _ = try parse(json) }
    }

    /// `JSONDecoder` refuses numbers that overflow a `Double` (and NaN, Infinity), so no file
    /// can make storing an element fail; the seam that stores it is tested directly.
    @Test func anElementThatCannotBeStoredFailsTheImportNamingIt() {
        #expect(throws: RegistryImportError.notEncodable(index: 3)) {
            _ = try RegistryFile.storedDocument(.object(["HerId": .integer(7), "Weight": .number(.infinity)]), index: 3)
        }
        #expect(RegistryImportError.notEncodable(index: 3).description == "element 3: could not be serialised as JSON for the store")
        #expect {
            _ = try parse(#"[{"HerId": 1, "Weight": 1e400}]"#)
        } throws: { error in
            if case RegistryImportError.notJSON = error { true } else { false }
        }
    }

    @Test func notJSONIsReported() {
        #expect {
            _ = try parse("[{")
        } throws: { error in
            guard case RegistryImportError.notJSON = error else { return false }
            return "\(error)".hasPrefix("registry file is not valid JSON")
        }
    }

    @Test func storedDocumentsParseBackToTheSameParty() throws {
        for entry in try RegistryFile.parse(Data(contentsOf: Self.exampleFile)) {
            #expect(try RegistryFile.parseStored(entry.document) == entry.party)
        }
    }

    @Test func queueIsTheLastPathSegment() {
        #expect(ElectronicAddress(address: "tb.test.nhn.no/NHNTESTServiceBus/8141703_async", typeCode: "E_SB_ASYNC").queueName == "8141703_async")
        #expect(ElectronicAddress(address: "plainqueue", typeCode: "E_SB_ASYNC").queueName == "plainqueue")
        #expect(ElectronicAddress(address: "a/b/", typeCode: "E_SB_ASYNC").queueName == "b")
        #expect(ElectronicAddress(address: "", typeCode: "E_SB_ASYNC").queueName == nil)
    }
}

import AddressRegistry
import Testing

/// A token acting for an organisation acts for its departments, however deep, and for nothing
/// above or beside it.
@Suite struct DepartmentTests {
    func party(_ herId: Int, parent: Int?) -> CommunicationParty {
        CommunicationParty(herId: herId, name: "P\(herId)", parentHerId: parent, type: .organization, active: true,
                           isValidCommunicationParty: true, electronicAddresses: [])
    }

    @Test func departmentsAreIncludedDownTheChainOnly() {
        let registry = AddressRegistry(parties: [
            party(1, parent: nil), party(2, parent: 1), party(3, parent: 2), party(4, parent: 1),
            party(5, parent: nil), party(6, parent: 5),
            // A cycle in the registry's data must not loop.
            party(7, parent: 8), party(8, parent: 7),
        ])
        #expect(registry.withDepartments(of: [1]) == [1, 2, 3, 4])
        #expect(registry.withDepartments(of: [2]) == [2, 3])
        #expect(registry.withDepartments(of: [3, 6]) == [3, 6])
        #expect(registry.withDepartments(of: [7]) == [7, 8])
        #expect(registry.withDepartments(of: [42]) == [42])
    }
}

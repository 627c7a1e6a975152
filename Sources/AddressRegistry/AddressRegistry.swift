/// An immutable snapshot of the registry: communication parties by HER-id.
package struct AddressRegistry: Sendable {
    private let parties: [Int: CommunicationParty]
    /// Each party's departments (the parties that name it as `ParentHerId`), for access checks
    /// that run on every REST request.
    private let departments: [Int: [Int]]

    package init(parties: [CommunicationParty]) {
        let byHerId = Dictionary(parties.map { ($0.herId, $0) }, uniquingKeysWith: { _, last in last })
        self.parties = byHerId
        var departments: [Int: [Int]] = [:]
        for party in byHerId.values {
            if let parent = party.parentHerId, parent != party.herId { departments[parent, default: []].append(party.herId) }
        }
        self.departments = departments
    }

    /// An empty registry: nobody can send or receive.
    package static let empty = AddressRegistry(parties: [])

    package func party(herId: Int) -> CommunicationParty? { parties[herId] }

    package var count: Int { parties.count }

    /// All parties, ordered by HER-id.
    package var allParties: [CommunicationParty] { parties.values.sorted { $0.herId < $1.herId } }

    /// The parties that name `herId` as their `ParentHerId`.
    func departments(of herId: Int) -> [Int] { departments[herId] ?? [] }
}

/// An immutable snapshot of the registry: communication parties by HER-id.
package struct AddressRegistry: Sendable {
    private let parties: [Int: CommunicationParty]

    package init(parties: [CommunicationParty]) {
        self.parties = Dictionary(parties.map { ($0.herId, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// An empty registry: nobody can send or receive.
    package static let empty = AddressRegistry(parties: [])

    package func party(herId: Int) -> CommunicationParty? { parties[herId] }

    package var count: Int { parties.count }

    /// All parties, ordered by HER-id.
    package var allParties: [CommunicationParty] { parties.values.sorted { $0.herId < $1.herId } }
}

/// An immutable snapshot of the registry: communication parties by HER-id.
public struct AddressRegistry: Sendable {
    private let parties: [Int: CommunicationParty]

    public init(parties: [CommunicationParty]) {
        self.parties = Dictionary(parties.map { ($0.herId, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// An empty registry: nobody can send or receive.
    public static let empty = AddressRegistry(parties: [])

    public func party(herId: Int) -> CommunicationParty? { parties[herId] }

    public var count: Int { parties.count }

    /// All parties, ordered by HER-id.
    public var allParties: [CommunicationParty] { parties.values.sorted { $0.herId < $1.herId } }
}

import Foundation

/// An immutable snapshot of the registry: communication parties by HER-id.
///
/// A party that inherits its queues (`inheritsQueues`, AR v1's `Inherited`) gets its parent's
/// service-bus addresses here, marked `inherited`, so that routing reads every party alike.
package struct AddressRegistry: Sendable {
    private let parties: [Int: CommunicationParty]
    /// Each party's departments (the parties that name it as `ParentHerId`), for access checks
    /// that run on every REST request.
    private let departments: [Int: [Int]]

    package init(parties: [CommunicationParty]) {
        let byHerId = Dictionary(parties.map { ($0.herId, $0) }, uniquingKeysWith: { _, last in last })
        var resolved = byHerId
        var departments: [Int: [Int]] = [:]
        for party in byHerId.values {
            if let parent = party.parentHerId, parent != party.herId { departments[parent, default: []].append(party.herId) }
            if party.inheritsQueues {
                resolved[party.herId]?.electronicAddresses = Self.inheritedAddresses(of: party, in: byHerId)
            }
        }
        self.parties = resolved
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

    /// The first `validFrom` or `validTo` after `now`: when some party becomes active or stops
    /// being so, and a registry evaluated at `now` is out of date. Nil when no such time is ahead.
    package func nextValidityChange(after now: Date) -> Date? {
        parties.values.lazy.flatMap { [$0.validFrom, $0.validTo] }.compactMap { $0 }.filter { $0 > now }.min()
    }

    /// The service-bus addresses of the nearest party up the `parentHerId` chain that has queues
    /// of its own, marked inherited; none when the chain ends (or loops) before one.
    private static func inheritedAddresses(of party: CommunicationParty, in parties: [Int: CommunicationParty]) -> [ElectronicAddress] {
        let busTypes = Set(AddressKind.allCases.map(\.rawValue))
        var kept = party.electronicAddresses.filter { !busTypes.contains($0.typeCode) }
        var seen: Set<Int> = [party.herId]
        var current = party
        while current.inheritsQueues {
            guard let parentId = current.parentHerId, seen.insert(parentId).inserted, let parent = parties[parentId] else { return kept }
            current = parent
        }
        kept += current.electronicAddresses.filter { busTypes.contains($0.typeCode) }.map {
            ElectronicAddress(address: $0.address, typeCode: $0.typeCode, inherited: true)
        }
        return kept
    }
}

/// The two shapes a registry file may take; `RegistryFile` tells them apart by their members.
package enum RegistryFormat: Sendable, Hashable, CustomStringConvertible {
    /// hubd's original format (`registry.md`): PascalCase members (`HerId`, `ElectronicAddresses`),
    /// bare or wrapped as `{"herId", "parentHerId", "type", "communicationParty": {...}}`.
    case legacy
    /// AR's CommunicationParty API v1 (`POST /api/v1/communicationparty`): camelCase members
    /// (`herId`, `amqpTransportStatus`, `amqpAddress`, `validFrom`, `validTo`).
    case communicationPartyV1

    /// The format of one element: v1 when it has a camelCase `herId` and neither a `HerId` nor a
    /// `communicationParty` wrapper; legacy otherwise.
    static func of(_ element: JSONValue) -> RegistryFormat {
        element["herId"] != nil && element["HerId"] == nil && element["communicationParty"] == nil ? .communicationPartyV1 : .legacy
    }

    package var description: String {
        switch self {
        case .legacy: "the legacy registry format"
        case .communicationPartyV1: "AR's CommunicationParty v1 format"
        }
    }
}

import Foundation

/// Reads one CommunicationParty of AR's API v1 (`ar-communicationparty-api-v1.json`) as the
/// party routing needs (dialogs.md §3).
///
/// - `herId` (a positive integer) is the identity; `name`, `displayName`, `type` as they are.
/// - The parent is `personDetails.parentOrganization` or `serviceDetails.parentOrganization`
///   (an organisation has none in v1).
/// - Queues come from `amqpAddress` when `amqpTransportStatus` is `Enabled`: `amqpAsyncQueue`,
///   `amqpSyncQueue`, `amqpErrorQueue`, `amqpSyncReplyQueue` become `E_SB_ASYNC`, `E_SB_SYNC`,
///   `E_SB_ERROR`, `E_SB_SYNCREPLY`. `Inherited`: the parent's queues (`AddressRegistry` fills
///   them in). `Disabled`, a missing status or one this version does not know: no queues, so
///   the party cannot receive over AMQP.
/// - `validFrom`/`validTo` bound when the party is active (`CommunicationParty.asOf(_:)`).
///   v1 has no `Active` flag: AR gives out active parties.
///
/// Everything else (certificates, postal address, business codes, ...) is kept in the stored
/// document and not read.
enum CommunicationPartyV1 {
    /// `amqpTransportStatus` values.
    private static let enabled = "Enabled"
    private static let inherited = "Inherited"

    /// The `amqpAddress` members and the address kinds they stand for.
    private static let queueMembers: [(member: String, kind: AddressKind)] = [
        ("amqpAsyncQueue", .async), ("amqpSyncQueue", .sync), ("amqpErrorQueue", .error), ("amqpSyncReplyQueue", .syncReply),
    ]

    static func party(_ element: JSONValue, index: Int) throws(RegistryImportError) -> CommunicationParty {
        guard let rawHerId = element["herId"], rawHerId != .null else { throw .missingHerId(index: index) }
        guard case .integer(let wide) = rawHerId, wide > 0, let herId = Int(exactly: wide) else {
            throw .invalidHerId(index: index)
        }
        let parent = element["personDetails"]?["parentOrganization"] ?? element["serviceDetails"]?["parentOrganization"]
        let status = element["amqpTransportStatus"]?.string
        var addresses: [ElectronicAddress] = []
        if status == enabled, let amqp = element["amqpAddress"] {
            for (member, kind) in queueMembers {
                if let queue = amqp[member]?.string, !queue.isEmpty {
                    addresses.append(ElectronicAddress(address: queue, typeCode: kind.rawValue))
                }
            }
        }
        return CommunicationParty(
            herId: herId,
            name: element["name"]?.string ?? "",
            displayName: element["displayName"]?.string,
            parentHerId: parent?["herId"]?.integer.flatMap { $0 > 0 ? $0 : nil },
            parentName: parent?["name"]?.string,
            type: PartyType(registryName: element["type"]?.string ?? ""),
            active: true,
            isValidCommunicationParty: true,
            electronicAddresses: addresses,
            inheritsQueues: status == inherited,
            validFrom: try date(element, "validFrom", index: index),
            validTo: try date(element, "validTo", index: index))
    }

    /// A validity bound: absent or null is no bound; anything else must be a date-time, since
    /// guessing would route to a party AR no longer lists as valid.
    private static func date(_ element: JSONValue, _ member: String, index: Int) throws(RegistryImportError) -> Date? {
        guard let value = element[member], value != .null else { return nil }
        guard let text = value.string, let date = RegistryTimestamp.parse(text) else {
            throw .invalidDateTime(index: index, member: member)
        }
        return date
    }
}

import Foundation

/// A communication party from the Address Register, reduced to what routing needs.
///
/// ```swift
/// if let party = registry.party(herId: 8141703), party.canReceive {
///     publish(to: party.queue(.async)!)
/// }
/// ```
package struct CommunicationParty: Sendable, Hashable {
    package var herId: Int
    package var name: String
    package var displayName: String?
    package var parentHerId: Int?
    package var parentName: String?
    package var type: PartyType
    package var active: Bool
    package var isValidCommunicationParty: Bool
    package var electronicAddresses: [ElectronicAddress]
    /// Message functions the party accepts (hubd's `Receives` extension); nil means "no capability check".
    package var receives: Set<String>?
    /// The party's queues are its parent's (AR v1 `amqpTransportStatus: Inherited`): `AddressRegistry`
    /// fills them in from the party named by `parentHerId`, so a parent that moves takes its
    /// parties along without an event of their own.
    package var inheritsQueues: Bool
    /// Before this (AR v1 `validFrom`) the party is not active.
    package var validFrom: Date?
    /// From this on (AR v1 `validTo`) the party is not active.
    package var validTo: Date?

    package init(
        herId: Int, name: String, displayName: String? = nil, parentHerId: Int? = nil,
        parentName: String? = nil, type: PartyType, active: Bool, isValidCommunicationParty: Bool,
        electronicAddresses: [ElectronicAddress], receives: Set<String>? = nil, inheritsQueues: Bool = false,
        validFrom: Date? = nil, validTo: Date? = nil
    ) {
        self.herId = herId
        self.name = name
        self.displayName = displayName
        self.parentHerId = parentHerId
        self.parentName = parentName
        self.type = type
        self.active = active
        self.isValidCommunicationParty = isValidCommunicationParty
        self.electronicAddresses = electronicAddresses
        self.receives = receives
        self.inheritsQueues = inheritsQueues
        self.validFrom = validFrom
        self.validTo = validTo
    }

    /// The name to show: `DisplayName` wins when set.
    package var shownName: String {
        if let displayName, !displayName.isEmpty { return displayName }
        return name
    }

    /// The queue for an address kind, taken from the first address of that type.
    package func queue(_ kind: AddressKind) -> String? {
        electronicAddresses.first { $0.typeCode == kind.rawValue }?.queueName
    }

    /// The party as it stands at `now`: not active outside `validFrom`–`validTo`.
    package func asOf(_ now: Date) -> CommunicationParty {
        guard isValid(at: now) else {
            var copy = self
            copy.active = false
            return copy
        }
        return self
    }

    /// Whether `now` lies within `validFrom` (inclusive) and `validTo` (exclusive); a party
    /// without those bounds is always valid.
    package func isValid(at now: Date) -> Bool {
        if let validFrom, now < validFrom { return false }
        if let validTo, now >= validTo { return false }
        return true
    }

    /// Active, valid, and with an error queue: a party whose errors can be routed back to it.
    package var canSend: Bool { active && isValidCommunicationParty && queue(.error) != nil }

    /// Active, valid, and with an async queue.
    package var canReceive: Bool { active && isValidCommunicationParty && queue(.async) != nil }

    /// Whether the party takes a message function. AppRecs are always accepted.
    package func accepts(messageFunction: String) -> Bool {
        guard let receives else { return true }
        return messageFunction == "APPREC" || receives.contains(messageFunction)
    }
}

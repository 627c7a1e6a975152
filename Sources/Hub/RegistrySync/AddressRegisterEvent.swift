/// One event of AR's feed: a party was created or changed.
package struct AddressRegisterEvent: Sendable, Equatable {
    package var sequenceNumber: Int64
    package var herId: Int
    /// `CommunicationPartyCreated` or `CommunicationPartyUpdated`; others are passed over.
    package var eventType: String

    package init(sequenceNumber: Int64, herId: Int, eventType: String) {
        self.sequenceNumber = sequenceNumber
        self.herId = herId
        self.eventType = eventType
    }

    /// The event types whose party is fetched again.
    package static let partyChanges: Set<String> = ["CommunicationPartyCreated", "CommunicationPartyUpdated"]
}

/// AR's export: which parties exist now, and the event the export is current up to.
package struct AddressRegisterExport: Sendable, Equatable {
    package var herIds: [Int]
    /// The last event sequence number included: following the feed starts after it.
    package var lastSequenceNumber: Int64

    package init(herIds: [Int], lastSequenceNumber: Int64) {
        self.herIds = herIds
        self.lastSequenceNumber = lastSequenceNumber
    }
}

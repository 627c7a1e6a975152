/// Identifies a submission to the source it came from, so the source can settle it.
/// Opaque to the hub: for AMQP it is the delivery tag and the connection generation.
package struct SettlementToken: Sendable, Hashable {
    package var sequence: UInt64
    package var epoch: UInt64

    package init(sequence: UInt64, epoch: UInt64) {
        self.sequence = sequence
        self.epoch = epoch
    }
}

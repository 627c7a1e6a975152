/// Identifies a submission to the source it came from, so the source can settle it.
/// Opaque to the hub: for AMQP it is the delivery tag and the connection generation.
public struct SettlementToken: Sendable, Hashable {
    public var sequence: UInt64
    public var epoch: UInt64

    public init(sequence: UInt64, epoch: UInt64) {
        self.sequence = sequence
        self.epoch = epoch
    }
}

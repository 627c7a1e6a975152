/// A message offered to the hub by a submission source, not yet acknowledged.
public struct Submission: Sendable {
    public var properties: MessageProperties
    public var body: [UInt8]
    public var settlement: SettlementToken

    public init(properties: MessageProperties, body: [UInt8], settlement: SettlementToken) {
        self.properties = properties
        self.body = body
        self.settlement = settlement
    }
}

/// A message offered to the hub by a submission source, not yet acknowledged.
package struct Submission: Sendable {
    package var properties: MessageProperties
    package var body: [UInt8]
    package var settlement: SettlementToken

    package init(properties: MessageProperties, body: [UInt8], settlement: SettlementToken) {
        self.properties = properties
        self.body = body
        self.settlement = settlement
    }
}

/// A message offered to the hub by a submission source, not yet acknowledged.
package struct Submission: Sendable {
    package var properties: MessageProperties
    package var body: [UInt8]
    package var settlement: SettlementToken
    package var origin: SubmissionOrigin

    package init(properties: MessageProperties, body: [UInt8], settlement: SettlementToken, origin: SubmissionOrigin = .amqp) {
        self.properties = properties
        self.body = body
        self.settlement = settlement
        self.origin = origin
    }
}

/// One message ready for a transport: a destination, its properties and the exact body.
package struct OutboundEnvelope: Sendable {
    package var destination: Destination
    package var properties: MessageProperties
    package var body: [UInt8]
    /// What an HTTP destination is told about the message besides its body (the JSON of
    /// `GET /messages/{id}`); nil for queues.
    package var summary: MessageSummary?

    package init(destination: Destination, properties: MessageProperties, body: [UInt8], summary: MessageSummary? = nil) {
        self.destination = destination
        self.properties = properties
        self.body = body
        self.summary = summary
    }
}

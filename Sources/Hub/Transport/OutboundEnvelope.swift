/// One message ready for a transport: a destination, its properties and the exact body.
package struct OutboundEnvelope: Sendable {
    package var destination: Destination
    package var properties: MessageProperties
    package var body: [UInt8]
    /// What an HTTP destination is sent; nil for the broker.
    package var webhook: WebhookContent?

    package init(destination: Destination, properties: MessageProperties, body: [UInt8], webhook: WebhookContent? = nil) {
        self.destination = destination
        self.properties = properties
        self.body = body
        self.webhook = webhook
    }
}

/// One message ready for a transport: a destination queue, its properties and the exact body.
package struct OutboundEnvelope: Sendable {
    package var queue: String
    package var properties: MessageProperties
    package var body: [UInt8]

    package init(queue: String, properties: MessageProperties, body: [UInt8]) {
        self.queue = queue
        self.properties = properties
        self.body = body
    }
}

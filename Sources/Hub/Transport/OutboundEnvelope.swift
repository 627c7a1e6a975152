/// One message ready for a transport: a destination queue, its properties and the exact body.
public struct OutboundEnvelope: Sendable {
    public var queue: String
    public var properties: MessageProperties
    public var body: [UInt8]

    public init(queue: String, properties: MessageProperties, body: [UInt8]) {
        self.queue = queue
        self.properties = properties
        self.body = body
    }
}

/// The transport properties of a message, independent of the transport that carries it.
///
/// Header values are strings: the wire contract sends every header as an AMQP long string.
public struct MessageProperties: Sendable, Equatable, Codable {
    public var messageId: String?
    public var correlationId: String?
    public var replyTo: String?
    public var contentType: String?
    public var type: String?
    /// Milliseconds, as AMQP's `expiration` property carries it.
    public var expiration: String?
    public var headers: [String: String]

    public init(
        messageId: String? = nil, correlationId: String? = nil, replyTo: String? = nil,
        contentType: String? = nil, type: String? = nil, expiration: String? = nil,
        headers: [String: String] = [:]
    ) {
        self.messageId = messageId
        self.correlationId = correlationId
        self.replyTo = replyTo
        self.contentType = contentType
        self.type = type
        self.expiration = expiration
        self.headers = headers
    }
}

/// The transport properties of a message, independent of the transport that carries it.
///
/// Header values are strings: the wire contract sends every header as an AMQP long string.
package struct MessageProperties: Sendable, Equatable, Codable {
    package var messageId: String?
    package var correlationId: String?
    package var replyTo: String?
    package var contentType: String?
    package var type: String?
    /// Milliseconds, as AMQP's `expiration` property carries it.
    package var expiration: String?
    package var headers: [String: String]

    package init(
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

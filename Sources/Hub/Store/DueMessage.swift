import Foundation

/// A stored message whose turn to be sent has come.
package struct DueMessage: Sendable {
    package var id: Int64
    package var messageId: String
    package var kind: MessageKind
    package var fromHerId: Int?
    package var toHerId: Int?
    package var messageFunction: String?
    package var target: DeliveryTarget
    package var properties: MessageProperties
    package var body: [UInt8]
    package var attempts: Int
    package var acceptedAt: Date
    package var expiresAt: Date
    /// How it came in: a REST sender hears of failures through notifications, not error messages.
    package var origin: SubmissionOrigin = .amqp
    /// Set when the stored record cannot be read back (its properties are damaged): the
    /// message cannot be sent, and must not stop the others.
    package var damage: String? = nil

    package init(
        id: Int64, messageId: String, kind: MessageKind, fromHerId: Int?, toHerId: Int?, messageFunction: String?,
        target: DeliveryTarget, properties: MessageProperties, body: [UInt8], attempts: Int, acceptedAt: Date,
        expiresAt: Date, origin: SubmissionOrigin = .amqp, damage: String? = nil
    ) {
        self.id = id
        self.messageId = messageId
        self.kind = kind
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.target = target
        self.properties = properties
        self.body = body
        self.attempts = attempts
        self.acceptedAt = acceptedAt
        self.expiresAt = expiresAt
        self.origin = origin
        self.damage = damage
    }
}

extension DueMessage {
    /// The message ingress has just committed as row `id`, as the store would read it back.
    init(committed message: NewMessage, id: Int64, acceptedAt: Date) {
        self.init(
            id: id, messageId: message.messageId, kind: message.kind, fromHerId: message.fromHerId, toHerId: message.toHerId,
            messageFunction: message.messageFunction, target: message.target, properties: message.properties,
            body: message.body, attempts: 0, acceptedAt: acceptedAt, expiresAt: message.expiresAt, origin: message.origin)
    }
}

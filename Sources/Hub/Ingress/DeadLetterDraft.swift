import Dialogs
import Foundation

/// A message the hub gives up on, about to be written to the dead letters.
/// Header values are kept as they came: a dead letter often is one because they are wrong.
package struct DeadLetterDraft: Sendable {
    /// The stored message it came from, when it was ever accepted.
    package var storedMessage: Int64?
    package var messageId: String?
    package var fromHerId: String?
    package var toHerId: String?
    package var messageFunction: String?
    package var reason: String
    package var properties: MessageProperties
    package var body: [UInt8]
    /// When set, the dead letter is written only if none with this key was written before.
    package var duplicateKey: DuplicateKey?

    package init(
        storedMessage: Int64? = nil, messageId: String?, fromHerId: String?, toHerId: String?,
        messageFunction: String?, reason: String, properties: MessageProperties, body: [UInt8]
    ) {
        self.storedMessage = storedMessage
        self.messageId = messageId
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.reason = reason
        self.properties = properties
        self.body = body
    }
}

extension DeadLetterDraft {
    /// The copy for the dead-letter queue, for people to look at: properties and headers made
    /// safe (`MessageProperties.forDeadLetterCopy`) plus `maskedReason`, never expiring.
    package func copy(maskedReason: String, queue: String) -> NewMessage {
        var properties = properties.forDeadLetterCopy(messageId: messageId, function: messageFunction)
        properties.headers[HeaderName.deadLetterReason] = maskedReason
        return NewMessage(
            messageId: messageId ?? RandomID.make(), kind: .deadLetterCopy,
            fromHerId: HerId.parse(fromHerId), toHerId: HerId.parse(toHerId),
            messageFunction: messageFunction, msgId: nil, target: .queue(queue),
            properties: properties, body: body, expiresAt: .distantFuture)
    }
}

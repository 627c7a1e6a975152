import Foundation

/// A message about to be written to the store, to be dispatched from there.
package struct NewMessage: Sendable {
    /// The `message_id` it is sent with, identical on every attempt.
    package var messageId: String
    package var kind: MessageKind
    package var fromHerId: Int?
    package var toHerId: Int?
    package var messageFunction: String?
    /// MsgHead `MsgId` or AppRec `Id`: what receipts refer to.
    package var msgId: String?
    package var target: DeliveryTarget
    package var properties: MessageProperties
    package var body: [UInt8]
    package var expiresAt: Date
    /// When set, the message is written only if no message with this key was accepted before.
    package var duplicateKey: DuplicateKey?
    /// When set, accepting the message moves another message's status.
    package var correlation: ReceiptCorrelation?
    /// How it came in, which decides how its sender hears of its fate.
    package var origin: SubmissionOrigin
    /// When set, accepting the message answers or opens a conversation.
    package var conversation: ConversationLink?

    package init(
        messageId: String, kind: MessageKind, fromHerId: Int?, toHerId: Int?, messageFunction: String?,
        msgId: String?, target: DeliveryTarget, properties: MessageProperties, body: [UInt8],
        expiresAt: Date, duplicateKey: DuplicateKey? = nil, correlation: ReceiptCorrelation? = nil,
        origin: SubmissionOrigin = .amqp, conversation: ConversationLink? = nil
    ) {
        self.messageId = messageId
        self.kind = kind
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.msgId = msgId
        self.target = target
        self.properties = properties
        self.body = body
        self.expiresAt = expiresAt
        self.duplicateKey = duplicateKey
        self.correlation = correlation
        self.origin = origin
        self.conversation = conversation
    }
}

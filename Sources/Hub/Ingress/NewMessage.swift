import Foundation

/// A message about to be written to the store, to be dispatched from there.
public struct NewMessage: Sendable {
    /// The `message_id` it is sent with, identical on every attempt.
    public var messageId: String
    public var kind: MessageKind
    public var fromHerId: Int?
    public var toHerId: Int?
    public var messageFunction: String?
    /// MsgHead `MsgId` or AppRec `Id`: what receipts refer to.
    public var msgId: String?
    public var target: DeliveryTarget
    public var properties: MessageProperties
    public var body: [UInt8]
    public var expiresAt: Date
    /// When set, the message is written only if no message with this key was accepted before.
    public var duplicateKey: DuplicateKey?
    /// When set, accepting the message moves another message's status.
    public var correlation: ReceiptCorrelation?

    public init(
        messageId: String, kind: MessageKind, fromHerId: Int?, toHerId: Int?, messageFunction: String?,
        msgId: String?, target: DeliveryTarget, properties: MessageProperties, body: [UInt8],
        expiresAt: Date, duplicateKey: DuplicateKey? = nil, correlation: ReceiptCorrelation? = nil
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
    }
}

import Foundation

/// A stored message whose turn to be sent has come.
public struct DueMessage: Sendable {
    public var id: Int64
    public var messageId: String
    public var kind: MessageKind
    public var fromHerId: Int?
    public var toHerId: Int?
    public var messageFunction: String?
    public var target: DeliveryTarget
    public var properties: MessageProperties
    public var body: [UInt8]
    public var attempts: Int
    public var acceptedAt: Date
    public var expiresAt: Date
}

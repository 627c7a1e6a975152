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
}

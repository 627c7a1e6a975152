import Foundation

/// Everything the store knows about one message, for `hubd status`.
package struct MessageReport: Sendable {
    package var id: Int64
    package var messageId: String
    package var kind: MessageKind
    package var fromHerId: Int?
    package var toHerId: Int?
    package var messageFunction: String?
    package var msgId: String?
    /// `pending`, `sent`, `expired` or `failed`.
    package var state: String
    package var attempts: Int
    package var nextAttemptAt: Date?
    package var lastError: String?
    package var acceptedAt: Date
    package var expiresAt: Date
    package var history: [StatusEntry]
}

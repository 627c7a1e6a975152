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

    package init(
        id: Int64, messageId: String, kind: MessageKind, fromHerId: Int?, toHerId: Int?, messageFunction: String?,
        msgId: String?, state: String, attempts: Int, nextAttemptAt: Date?, lastError: String?, acceptedAt: Date,
        expiresAt: Date, history: [StatusEntry]
    ) {
        self.id = id
        self.messageId = messageId
        self.kind = kind
        self.fromHerId = fromHerId
        self.toHerId = toHerId
        self.messageFunction = messageFunction
        self.msgId = msgId
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.acceptedAt = acceptedAt
        self.expiresAt = expiresAt
        self.history = history
    }
}

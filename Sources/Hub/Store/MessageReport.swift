import Foundation

/// Everything the store knows about one message, for `hubd status`.
public struct MessageReport: Sendable {
    public var id: Int64
    public var messageId: String
    public var kind: MessageKind
    public var fromHerId: Int?
    public var toHerId: Int?
    public var messageFunction: String?
    public var msgId: String?
    /// `pending`, `sent`, `expired` or `failed`.
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var acceptedAt: Date
    public var expiresAt: Date
    public var history: [StatusEntry]
}

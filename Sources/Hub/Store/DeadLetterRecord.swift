import Foundation

/// A dead letter as `hubd dead list` shows it.
public struct DeadLetterRecord: Sendable {
    public var id: Int64
    public var messageId: String?
    public var fromHerId: String?
    public var toHerId: String?
    public var messageFunction: String?
    public var reason: String
    public var at: Date
}

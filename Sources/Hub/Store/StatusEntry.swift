import Foundation

/// One line of a message's status history.
public struct StatusEntry: Sendable, Equatable {
    public var status: MessageStatus
    public var at: Date
    public var detail: String?
}

import Foundation

/// One line of a message's status history.
package struct StatusEntry: Sendable, Equatable {
    package var status: MessageStatus
    package var at: Date
    package var detail: String?
}

import Foundation

/// One line of a message's status history.
package struct StatusEntry: Sendable, Equatable {
    package var status: MessageStatus
    package var at: Date
    package var detail: String?

    package init(status: MessageStatus, at: Date, detail: String?) {
        self.status = status
        self.at = at
        self.detail = detail
    }
}

import Foundation

/// One line of a message's status history.
package struct StatusEntry: Sendable, Equatable {
    package var status: MessageStatus
    package var at: Date
    package var detail: String?
    /// The hubd instance that recorded it, in a fleet (`instance`); nil for a store of one
    /// instance (SQLite) and for what a fleet recorded before it kept the name.
    package var instance: String?

    package init(status: MessageStatus, at: Date, detail: String?, instance: String? = nil) {
        self.status = status
        self.at = at
        self.detail = detail
        self.instance = instance
    }
}

import Foundation

/// A stored order waiting to be placed at the PROMs service.
package struct DuePromsOrder: Sendable {
    package var id: String
    package var registerHerId: Int
    /// What to send; a failure when the stored row no longer reads, so that one damaged row
    /// fails instead of stopping the others.
    package var request: Result<PromsFormOrder, CorruptRecord>
    /// Failed attempts so far, and the last one's error.
    package var attempts: Int
    package var lastError: String?
    /// The end of the expiry date: no attempt is made after it.
    package var deadline: Date

    package init(
        id: String, registerHerId: Int, request: Result<PromsFormOrder, CorruptRecord>, attempts: Int,
        lastError: String?, deadline: Date
    ) {
        self.id = id
        self.registerHerId = registerHerId
        self.request = request
        self.attempts = attempts
        self.lastError = lastError
        self.deadline = deadline
    }
}

import Foundation

/// What became of one attempt to send a stored message.
package enum DispatchResult: Sendable {
    case sent(id: Int64)
    /// Try again at `nextAttempt`.
    case retry(id: Int64, error: String, nextAttempt: Date)
    /// Given up: the message ends with `status` (`expired` or `failed`) for `reason`, goes to the
    /// dead letters when `deadLetter` is set (not for a dead-letter copy itself), and its sender
    /// gets `notice` when there is one.
    case givenUp(id: Int64, status: MessageStatus, reason: String, deadLetter: DeadLetterDraft?, notice: NewMessage?)
}

import Foundation

/// What became of one attempt to send a stored message.
package enum DispatchResult: Sendable {
    /// Taken by the destination; `announced` tells the receiver with a `NewMessage` notification
    /// (a webhook party: it follows its messages over REST). `restSender` says whether the
    /// message came over REST (its sender is told of the new state), when the caller knows it;
    /// nil has the store look it up.
    case sent(id: Int64, announced: Bool = false, restSender: Bool? = nil)
    /// Put in the inbox of a party that downloads its messages over REST, and announced there.
    case madeAvailable(id: Int64)
    /// Try again at `nextAttempt`.
    case retry(id: Int64, error: String, nextAttempt: Date)
    /// Given up: the message ends with `status` (`expired`, `failed`, or `rejected` by the receiver) for `reason`, goes to the
    /// dead letters when `deadLetter` is set (not for a dead-letter copy itself), and its sender
    /// gets `notice` when there is one.
    case givenUp(id: Int64, status: MessageStatus, reason: String, deadLetter: DeadLetterDraft?, notice: NewMessage?)
}

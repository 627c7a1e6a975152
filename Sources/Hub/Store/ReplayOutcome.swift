/// What replaying one dead letter did.
package enum ReplayOutcome: Sendable, Equatable {
    /// The message is back in dispatch with a fresh expiry and its own `message_id`.
    case redispatched(messageId: String)
    /// A submission that never got past the checks is back on the submission queue.
    case resubmitted(messageId: String?)
    case notFound
    case alreadyReplayed
}

/// What became of one submission, as its source learns when the batch is settled.
package enum SubmissionOutcome: Sendable, Equatable {
    /// Stored, to be dispatched, under this `message_id`.
    case accepted(messageId: String)
    /// A message with the same key was accepted before; nothing new was stored.
    case duplicate
    /// Refused by an ingress check.
    case refused(Rejection)
    /// An event, in the event log at this global sequence (appended now, or before when the
    /// same event came again).
    case recorded(sequence: Int64)
    /// Kept as a dead letter (no error message can be routed to its sender).
    case deadLettered
}

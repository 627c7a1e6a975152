/// What committing one ingress decision did.
package enum IngressOutcome: Sendable, Equatable {
    /// Stored; `correlated` tells whether it was a receipt whose original was found.
    case accepted(id: Int64, correlated: Bool?)
    /// A message with the same sender and id was accepted before; dropped.
    case duplicate
    /// The sender's error message was stored.
    case rejected
    case deadLettered
    /// An event in the log at this sequence; `new` is false when the same event (same id, same
    /// content) was there already.
    case eventRecorded(sequence: Int64, new: Bool)
    /// The log refused the event (and stored the sender's error message, when it has one).
    case eventRefused(Rejection)
}

extension IngressOutcome {
    /// The log grew: an event new to it was appended. A repeated event (same id, same content)
    /// is already being delivered, so it gives event delivery nothing to do.
    package var appendedEvent: Bool {
        if case .eventRecorded(_, new: true) = self { true } else { false }
    }
}

/// What committing one ingress decision did.
package enum IngressOutcome: Sendable, Equatable {
    /// Stored; `correlated` tells whether it was a receipt whose original was found.
    case accepted(id: Int64, correlated: Bool?)
    /// A message with the same sender and id was accepted before; dropped.
    case duplicate
    /// The sender's error message was stored.
    case rejected
    case deadLettered
}

/// What a transport made of one envelope.
package enum SendOutcome: Sendable, Equatable {
    /// Taken by the destination (for AMQP: confirmed by the broker on the queue).
    case sent
    /// Not taken this time; worth retrying (connection lost, queue full, no route yet).
    case transientFailure(String)
    /// Will never be taken; the message fails now.
    case permanentFailure(String)
}

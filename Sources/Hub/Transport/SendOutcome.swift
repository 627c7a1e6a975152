/// What a transport made of one envelope.
package enum SendOutcome: Sendable, Equatable {
    /// Taken by the destination (for AMQP: confirmed by the broker on the queue; for HTTP: a
    /// 2xx, or 409 for one taken before).
    case sent
    /// Not taken this time; worth retrying (connection lost, queue full, no route yet, 5xx).
    case transientFailure(String)
    /// Will never be taken; the message fails now.
    case permanentFailure(String)
    /// The receiver itself refused the message (an HTTP 4xx): it is `rejected`, and its sender
    /// is told.
    case refused(String)
}

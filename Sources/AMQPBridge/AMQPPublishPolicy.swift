/// Tuning of `AMQPClient.publish`.
package struct AMQPPublishPolicy: Sendable, Equatable {
    /// Attempts per batch (the first one included). Each reconnect or channel error costs one.
    package var maxAttempts: Int = 3
    /// Time budget per batch for reconnecting and republishing; after it, the rest is `.failed`.
    package var retryWindow: Duration = .seconds(30)
    /// No confirm at all for this long while some are outstanding: the connection is presumed
    /// broken, dropped, and the unconfirmed messages are republished on a new one.
    package var confirmTimeout: Duration = .seconds(15)
    /// Publish window: at most this many unconfirmed messages / bytes in flight.
    package var maxOutstanding: Int = 1000
    package var maxOutstandingBytes: Int = 64 << 20

    package init() {}
}

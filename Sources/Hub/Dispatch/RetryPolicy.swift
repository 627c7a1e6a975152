import Foundation

/// Exponential back-off with jitter: about `initialDelay` before the first retry, doubling,
/// never more than `maximumDelay` apart.
package struct RetryPolicy: Sendable, Equatable {
    package var initialDelay: TimeInterval
    package var maximumDelay: TimeInterval
    /// The fraction of each delay that is random, so that many messages failing together
    /// do not retry together.
    package var jitter: Double

    package init(initialDelay: TimeInterval = 1, maximumDelay: TimeInterval = 300, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// The delay after the `attempt`-th failed attempt (1-based). `random` yields a value in 0..<1.
    package func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let base = min(maximumDelay, initialDelay * pow(2, exponent))
        let spread = base * jitter
        return min(maximumDelay, max(0, base - spread / 2 + spread * random))
    }
}

import Foundation

/// Exponential back-off with jitter, the one rule for every wait after a failure in hubd:
/// message retries, a receiver queue that refuses messages, a store that cannot write, and
/// reconnecting to the broker.
///
/// About `initialDelay` before the second attempt, doubling after each failure, never more
/// than `maximumDelay`; `jitter` is the fraction of each delay that is random, so that many
/// messages (or many connections) failing together do not all come back at once.
///
/// ```swift
/// let backoff = Backoff(initialDelay: 1, maximumDelay: 300)
/// backoff.delay(afterAttempt: 3, random: 0.5)   // 4 s
/// ```
package struct Backoff: Sendable, Equatable {
    package var initialDelay: TimeInterval
    package var maximumDelay: TimeInterval
    package var jitter: Double

    package init(initialDelay: TimeInterval = 1, maximumDelay: TimeInterval = 300, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
        self.jitter = jitter
    }

    /// The delay after the `attempt`-th failed attempt (1-based). `random` yields a value in
    /// 0..<1 (injected, so tests choose it).
    package func delay(afterAttempt attempt: Int, random: Double) -> TimeInterval {
        let exponent = Double(max(0, min(attempt - 1, 62)))
        let base = min(maximumDelay, initialDelay * pow(2, exponent))
        let spread = base * jitter
        return min(maximumDelay, max(0, base - spread / 2 + spread * random))
    }

    /// `delay(afterAttempt:random:)` as a `Duration`, with a random jitter.
    package func duration(afterAttempt attempt: Int) -> Duration {
        .milliseconds(Int64((delay(afterAttempt: attempt, random: Double.random(in: 0..<1)) * 1000).rounded()))
    }
}

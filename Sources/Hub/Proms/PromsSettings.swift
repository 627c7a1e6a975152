import Foundation

/// How hubd handles PROMs orders.
package struct PromsSettings: Sendable {
    /// The waits between attempts to place an order at the service (the delivery policy).
    package var retry: Backoff
    /// How long after the end of its expiry date an order without an answer becomes `expired`
    /// by itself: a day (proms.md §3), time for the service's own `Expired` to arrive first.
    package var expiryGrace: TimeInterval
    /// How often hubd looks for such orders (and prunes finished ones).
    package var expiryCheckInterval: TimeInterval
    /// How long a pushed order update is tried (the hub's default expiry).
    package var pushExpiry: TimeInterval
    /// How long completed, expired and failed orders are kept (the hub's message retention).
    package var retention: TimeInterval
    /// How many orders are placed at once.
    package var concurrentPlacements: Int

    package init(
        retry: Backoff = Backoff(), expiryGrace: TimeInterval = 24 * 3600, expiryCheckInterval: TimeInterval = 600,
        pushExpiry: TimeInterval = 4 * 24 * 3600, retention: TimeInterval = 30 * 24 * 3600, concurrentPlacements: Int = 8
    ) {
        self.retry = retry
        self.expiryGrace = expiryGrace
        self.expiryCheckInterval = expiryCheckInterval
        self.pushExpiry = pushExpiry
        self.retention = retention
        self.concurrentPlacements = max(1, concurrentPlacements)
    }
}

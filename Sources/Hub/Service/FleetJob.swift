/// Work that runs on one instance of a fleet at a time (contract fleet.md §2): whoever holds
/// its lease in the store does it, and another instance takes over once a holder stops
/// renewing. With the SQLite store there is one instance, which always holds every lease.
package enum FleetJob: String, Sendable, CaseIterable {
    /// Pruning old messages, duplicate keys and dead letters.
    case retention
    /// Marking overdue conversations and pruning finished ones.
    case conversations
    /// Placing PROMs orders with the PROMs service.
    case promsPlacement = "proms-placement"
    /// Expiring and pruning PROMs orders.
    case promsExpiry = "proms-expiry"
    /// Following the Address Register.
    case registrySync = "registry-sync"
    /// Delivering events to subscribers, each subscriber's in order.
    case eventDelivery = "event-delivery"
}

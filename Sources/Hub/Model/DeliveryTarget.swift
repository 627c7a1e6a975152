/// Where a stored message goes. Party targets are resolved through the registry when the message
/// is dispatched, so a registry change applies to messages already waiting.
package enum DeliveryTarget: Sendable, Hashable {
    /// The party's async queue.
    case partyAsync(herId: Int)
    /// The party's error queue.
    case partyError(herId: Int)
    /// A named queue of hubd's own (the dead-letter queue).
    case queue(String)
}

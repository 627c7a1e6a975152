/// The broker's side of subscriptions: a subscriber's queue and its bindings to the event
/// exchange. AMQP implements it; the hub decides what is bound.
package protocol EventTopology: Sendable {
    /// Makes sure the exchange and `queue` exist, that `queue` is bound with each of `bind`,
    /// and with none of `unbind`.
    func apply(queue: String, bind: [String], unbind: [String]) async throws
}

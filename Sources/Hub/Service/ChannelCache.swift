import Synchronization

/// The parties' delivery channels as dispatch uses them: loaded from the store, reloaded
/// after a change through the API and every few seconds (another process may change them).
package final class ChannelCache: Sendable {
    private let state = Mutex<[Int: DeliveryChannel]>([:])

    package init() {}

    /// The channel of a party; `.amqp` when none is set.
    package func channel(of herId: Int) -> DeliveryChannel {
        state.withLock { $0[herId] } ?? .amqp
    }

    /// Every party with a REST channel.
    package var restParties: [Int: DeliveryChannel] { state.withLock { $0 } }

    /// Reloads from the store; returns true when something changed.
    @discardableResult
    package func refresh(from store: any HubStore) async throws(StoreError) -> Bool {
        let loaded = try await store.deliveryChannels()
        return state.withLock { current in
            guard current != loaded else { return false }
            current = loaded
            return true
        }
    }
}

import AddressRegistry
import Synchronization

/// The registry the hub routes with: loaded from the store, and reloaded when an import
/// (for instance `hubd registry import` while hubd runs) bumps the stored version.
package final class RegistryCache: Sendable {
    private let state = Mutex<(version: Int64, registry: AddressRegistry)>((-1, .empty))

    package init() {}

    package var current: AddressRegistry { state.withLock { $0.registry } }

    /// Reloads from the store when its version changed; returns true when it did.
    @discardableResult
    package func refresh(from store: HubStore) async throws -> Bool {
        let stored = try await store.registryVersion()
        guard stored != state.withLock({ $0.version }) else { return false }
        let loaded = try await store.loadRegistry()
        state.withLock { $0 = loaded }
        return true
    }
}

import AddressRegistry
import Foundation
import Synchronization

/// The registry the hub routes with: loaded from the store, and reloaded when an import or an
/// AR sync (in this process or another) bumps the stored version, or when a party's validity
/// (AR's `validFrom`/`validTo`) begins or ends.
package final class RegistryCache: Sendable {
    private struct Loaded {
        var version: Int64
        var registry: AddressRegistry
        /// When a party's validity next changes: the loaded registry is out of date from then.
        var staleAt: Date?
    }

    private let state = Mutex(Loaded(version: -1, registry: .empty, staleAt: nil))
    private let clock: @Sendable () -> Date

    /// - Parameter clock: the time parties' validity is judged by.
    package init(clock: @escaping @Sendable () -> Date = Date.init) {
        self.clock = clock
    }

    package var current: AddressRegistry { state.withLock { $0.registry } }

    /// Reloads from the store when its version changed or a validity bound passed; returns true
    /// when it did.
    @discardableResult
    package func refresh(from store: any HubStore) async throws -> Bool {
        let stored = try await store.registryVersion()
        let now = clock()
        let fresh = state.withLock { loaded in loaded.version == stored && loaded.staleAt.map { now < $0 } ?? true }
        guard !fresh else { return false }
        let (version, registry) = try await store.loadRegistry(at: now)
        let staleAt = registry.nextValidityChange(after: now)
        state.withLock { $0 = Loaded(version: version, registry: registry, staleAt: staleAt) }
        return true
    }
}

import Foundation
import Hub

/// The DPoP proofs accepted by any instance of a fleet, in the store they share: a proof
/// replayed to another instance behind the same URL is refused there too (REST contract §1).
/// `DPoPReplayCache` stays in front of it, so a replay to the same instance costs no query.
package struct FleetProofLog: Sendable {
    let store: any HubStore

    package init(store: any HubStore) {
        self.store = store
    }

    /// Records `jti` until `expiry`; false when an instance recorded it before.
    func recordFirstUse(of jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool {
        try await store.recordProof(jti, until: expiry, now: now)
    }
}

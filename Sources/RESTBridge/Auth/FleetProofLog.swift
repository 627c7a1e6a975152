import Foundation
import Hub
import Logging
import Synchronization

/// The DPoP proofs accepted by any instance of a fleet, in the store they share: a proof
/// replayed to another instance behind the same URL is refused there too (REST contract §1).
/// `DPoPReplayCache` stays in front of it, so a replay to the same instance costs no query.
package final class FleetProofLog: Sendable {
    let store: any HubStore
    let logger: Logger
    /// When the last failure was logged: while the store is down, every DPoP request fails,
    /// and one line a minute says why.
    private let lastLogged = Mutex<ContinuousClock.Instant?>(nil)

    package init(store: any HubStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// Records `jti` until `expiry`; false when an instance recorded it before.
    func recordFirstUse(of jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool {
        do {
            return try await store.recordProof(jti, until: expiry, now: now)
        } catch {
            let due = lastLogged.withLock { last in
                let now = ContinuousClock.now
                guard last.map({ now - $0 >= .seconds(60) }) ?? true else { return false }
                last = now
                return true
            }
            if due {
                logger.warning("cannot record DPoP proofs in the store; requests with a DPoP proof are refused until it can",
                               metadata: ["error": "\(error)"])
            }
            throw error
        }
    }
}

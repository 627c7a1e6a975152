import Foundation
import Synchronization

/// This instance's hold on one fleet job (contract fleet.md §2), as the job's loop asks for it
/// on every round. The store is asked again only once a third of the lease has passed since it
/// last answered: a holder renews long before its hold ends, without a write per round, and an
/// instance that was refused looks again after the same time. A holder that dies is replaced
/// within `length` (plus a third, for the others' last refusal).
package final class FleetLease: Sendable {
    package let job: FleetJob
    /// How long a hold lasts in the store without renewal.
    package let length: TimeInterval
    private let store: any HubStore
    /// The store's last answer and when it was given.
    private let answer = Mutex<(held: Bool, at: Date)?>(nil)

    package init(_ job: FleetJob, length: TimeInterval, store: any HubStore) {
        self.job = job
        self.length = length
        self.store = store
    }

    /// Whether this instance does the job now.
    package func isHeld(now: Date) async throws(StoreError) -> Bool {
        if let answer = answer.withLock({ $0 }), answer.at <= now, now.timeIntervalSince(answer.at) < length / 3 {
            return answer.held
        }
        let held = try await store.holdLease(job, for: length, now: now)
        answer.withLock { $0 = (held, now) }
        return held
    }
}

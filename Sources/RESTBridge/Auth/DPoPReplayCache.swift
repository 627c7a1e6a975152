import Foundation
import Synchronization

/// The `jti`s of the DPoP proofs accepted lately, so that a proof is accepted once only
/// (RFC 9449 §11.1).
///
/// A `jti` is kept until its proof could no longer pass the `iat` check anyway, so memory is
/// bounded by the proof window and by `capacity`: when that many proofs are still within their
/// window, new ones are refused until some expire. Refusing fails closed; forgetting a `jti`
/// early would let a captured proof be replayed.
package final class DPoPReplayCache: Sendable {
    /// What `record` did.
    package enum Outcome: Sendable, Equatable {
        case recorded
        /// The `jti` was recorded already and has not expired: a replay.
        case replayed
        /// `capacity` proofs are within their window; nothing was recorded.
        case full
    }

    package let capacity: Int
    private let state = Mutex(State())

    package init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    /// Records `jti` until `expiry`, unless it is recorded already.
    package func record(_ jti: String, until expiry: Date, now: Date) -> Outcome {
        state.withLock { state in
            state.removeExpired(now: now)
            if let recorded = state.expiries[jti], recorded > now { return .replayed }
            guard state.expiries.count < capacity else { return .full }
            state.expiries[jti] = expiry
            state.order.append((jti, expiry))
            return .recorded
        }
    }

    private struct State {
        var expiries: [String: Date] = [:]
        /// Insertion order, which is expiry order as long as clients' `iat`s are near the clock;
        /// an entry that expires early behind a later one waits for it, within the window.
        var order: [(jti: String, expiry: Date)] = []
        var head = 0

        mutating func removeExpired(now: Date) {
            while head < order.count, order[head].expiry <= now {
                let (jti, expiry) = order[head]
                // The same jti may have been recorded again after this entry expired.
                if expiries[jti] == expiry { expiries[jti] = nil }
                head += 1
            }
            if head > 1024, head * 2 > order.count {
                order.removeFirst(head)
                head = 0
            }
        }
    }
}

import Foundation
import Synchronization

/// Access tokens whose signature and claims have been checked, by the SHA-256 of their text,
/// until they expire (at most five minutes): a client sends the same token with every request
/// for its lifetime, and checking its signature each time would double the elliptic-curve work
/// of a request. A DPoP proof is new with each request and is always checked, and so is the
/// presence of the token's key in the issuer's current key set.
final class VerifiedTokens: Sendable {
    private struct Entry: Sendable {
        var facts: AccessTokenVerifier.TokenFacts
        /// When the entry is dropped even if the token lives longer (so that a key the issuer
        /// withdrew without hubd noticing stops being trusted within minutes).
        var checkedUntil: TimeInterval
    }

    private let entries = Mutex<[Data: Entry]>([:])
    private let capacity: Int
    static let recheckAfter: TimeInterval = 300

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// What a token with this digest was found to say, while it is still to be trusted at `now`
    /// (its own window is checked by the caller).
    func facts(for digest: Data, now: TimeInterval) -> AccessTokenVerifier.TokenFacts? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            guard now < entry.checkedUntil else {
                entries[digest] = nil
                return nil
            }
            return entry.facts
        }
    }

    func remember(_ facts: AccessTokenVerifier.TokenFacts, for digest: Data, now: TimeInterval) {
        let entry = Entry(facts: facts, checkedUntil: min(facts.validUntil, now + Self.recheckAfter))
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { now < $0.value.checkedUntil } }
            // Still full of live tokens: forget them all rather than grow; they are checked again.
            if entries.count >= capacity { entries.removeAll() }
            entries[digest] = entry
        }
    }
}

import Foundation
import Synchronization

/// A clock a test moves by hand: the hub takes its time from it (expiry, retries, retention),
/// so a test reaches a deadline by advancing the clock, never by sleeping through it.
final class ManualClock: Sendable {
    private let state: Mutex<(now: Date, listeners: [@Sendable () -> Void])>

    init(_ start: Date = Date()) {
        state = Mutex((start, []))
    }

    var now: Date { state.withLock { $0.now } }

    /// What the hub is given.
    var function: @Sendable () -> Date { { self.now } }

    /// Called after every `advance`, e.g. to nudge a hub to look at what fell due.
    func onAdvance(_ listener: @escaping @Sendable () -> Void) {
        state.withLock { $0.listeners.append(listener) }
    }

    func advance(by interval: TimeInterval) {
        let listeners = state.withLock { state in
            state.now = state.now.addingTimeInterval(interval)
            return state.listeners
        }
        for listener in listeners { listener() }
    }
}

import Synchronization

/// Wakes one waiting loop early: the dispatcher sleeps until work is due or until ingress
/// signals that it committed new messages. A signal with nobody waiting is kept for the next wait.
/// A poke wakes the same way but says less: there is work in memory (`CommitHandOff`), not
/// necessarily in the store, so the loop can tell the two apart.
///
/// The timeouts share one sleeping task: a loop that is woken by signals many times a second
/// would otherwise start a task and a timer for every wait, each waking a thread once more
/// when it ran out, long after its wait had ended.
final class WakeSignal: Sendable {
    /// Why a wait ended.
    enum Wakening: Equatable {
        case signalled
        case poked
        case timedOut
    }

    private struct State {
        var pending = false
        var poked = false
        /// The waiting loop, and when its timeout ends.
        var waiter: (continuation: CheckedContinuation<Wakening, Never>, deadline: ContinuousClock.Instant)?
        /// When the sleeping task wakes next, if one sleeps; a wait that ends earlier starts another.
        var sleeperWakes: ContinuousClock.Instant?
        /// The sleeper that counts; one superseded by an earlier deadline ends when it wakes.
        var sleeper: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Takes a signal kept for the next wait, if there is one: the caller looks for work now
    /// instead of waiting.
    func takePending() -> Bool {
        state.withLock { state in
            defer { state.pending = false }
            return state.pending
        }
    }

    func signal() {
        wake(.signalled)
    }

    /// Wakes the waiting loop, or the next wait, as a signal does, but without leaving a signal
    /// for `takePending()`.
    func poke() {
        wake(.poked)
    }

    private func wake(_ reason: Wakening) {
        let waiter = state.withLock { state -> CheckedContinuation<Wakening, Never>? in
            guard let waiter = state.waiter else {
                if reason == .signalled { state.pending = true } else { state.poked = true }
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: reason)
    }

    /// Returns on a signal or a poke, or after `timeout`, whichever comes first, and says which.
    @discardableResult
    func wait(timeout: Duration) async -> Wakening {
        await withCheckedContinuation { (continuation: CheckedContinuation<Wakening, Never>) in
            let deadline = ContinuousClock.now + timeout
            enum Next { case resume(Wakening), sleep(UInt64), nothing }
            let next = state.withLock { state -> Next in
                if state.pending {
                    state.pending = false
                    return .resume(.signalled)
                }
                if state.poked {
                    state.poked = false
                    return .resume(.poked)
                }
                state.waiter = (continuation, deadline)
                if let wakes = state.sleeperWakes, wakes <= deadline { return .nothing }
                state.sleeper &+= 1
                state.sleeperWakes = deadline
                return .sleep(state.sleeper)
            }
            switch next {
            case .resume(let reason): continuation.resume(returning: reason)
            case .sleep(let sleeper): Task { await self.sleep(sleeper, until: deadline) }
            case .nothing: break
            }
        }
    }

    /// Ends the waiter's wait when its timeout is over, then sleeps on to the next waiter's
    /// deadline, if one is waiting by then.
    private func sleep(_ sleeper: UInt64, until first: ContinuousClock.Instant) async {
        var until = first
        while true {
            try? await Task.sleep(until: until, clock: .continuous)
            let (timedOut, next) = state.withLock { state -> (CheckedContinuation<Wakening, Never>?, ContinuousClock.Instant?) in
                guard state.sleeper == sleeper else { return (nil, nil) }
                guard let waiter = state.waiter else {
                    state.sleeperWakes = nil
                    return (nil, nil)
                }
                guard waiter.deadline <= .now else {
                    state.sleeperWakes = waiter.deadline
                    return (nil, waiter.deadline)
                }
                state.waiter = nil
                state.sleeperWakes = nil
                return (waiter.continuation, nil)
            }
            if let timedOut {
                timedOut.resume(returning: .timedOut)
                return
            }
            guard let next else { return }
            until = next
        }
    }
}

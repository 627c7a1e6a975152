import Synchronization

/// Wakes one waiting loop early: the dispatcher sleeps until work is due or until ingress
/// signals that it committed new messages. A signal with nobody waiting is kept for the next wait.
///
/// The timeouts share one sleeping task: a loop that is woken by signals many times a second
/// would otherwise start a task and a timer for every wait, each waking a thread once more
/// when it ran out, long after its wait had ended.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        /// The waiting loop, and when its timeout ends.
        var waiter: (continuation: CheckedContinuation<Void, Never>, deadline: ContinuousClock.Instant)?
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
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns on a signal or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let deadline = ContinuousClock.now + timeout
            enum Next { case resume, sleep(UInt64), nothing }
            let next = state.withLock { state -> Next in
                if state.pending {
                    state.pending = false
                    return .resume
                }
                state.waiter = (continuation, deadline)
                if let wakes = state.sleeperWakes, wakes <= deadline { return .nothing }
                state.sleeper &+= 1
                state.sleeperWakes = deadline
                return .sleep(state.sleeper)
            }
            switch next {
            case .resume: continuation.resume()
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
            let (timedOut, next) = state.withLock { state -> (CheckedContinuation<Void, Never>?, ContinuousClock.Instant?) in
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
                timedOut.resume()
                return
            }
            guard let next else { return }
            until = next
        }
    }
}

import Synchronization

/// Submissions handed to the hub by a caller that waits for the outcome (the REST API): each
/// goes through the same ingress pipeline as the queue's, batched with whatever else arrives
/// meanwhile (one commit for many requests), and `submit` returns once the decision about it
/// is committed.
package final class DirectSubmissionSource: SubmissionSource {
    /// A caller waiting for its submission, and the timer that gives up on it (cancelled when
    /// the submission is settled, so that timers do not pile up under load).
    private struct Waiter {
        var continuation: CheckedContinuation<SubmissionOutcome?, Never>
        var timer: Task<Void, Never>?
    }

    private struct State {
        var continuation: AsyncStream<[Submission]>.Continuation?
        var waiting: [UInt64: Waiter] = [:]
        var next: UInt64 = 0
        var paused = false
        var stopped = false
    }

    private let state = Mutex(State())

    package init() {}

    /// Offers one submission and waits until the hub has committed what it decided about it,
    /// at most `timeout`. Nil when the hub takes no submissions now (its store cannot write, or
    /// it is stopping; nothing was stored) or did not commit in time (it may still: the caller
    /// learns which by submitting again, which the duplicate check makes safe).
    package func submit(properties: MessageProperties, body: [UInt8], timeout: Duration) async -> SubmissionOutcome? {
        await withCheckedContinuation { (waiter: CheckedContinuation<SubmissionOutcome?, Never>) in
            let sequence = state.withLock { state -> UInt64? in
                guard !state.paused, !state.stopped, let continuation = state.continuation else { return nil }
                state.next += 1
                let submission = Submission(
                    properties: properties, body: body, settlement: SettlementToken(sequence: state.next, epoch: 0),
                    origin: .rest)
                state.waiting[state.next] = Waiter(continuation: waiter)
                continuation.yield([submission])
                return state.next
            }
            guard let sequence else { return waiter.resume(returning: nil) }
            let timer = Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self?.state.withLock { $0.waiting.removeValue(forKey: sequence) }?.continuation.resume(returning: nil)
            }
            // Settled already (the timer then has nothing to do), or the timer is kept to cancel.
            let settled = state.withLock { state -> Bool in
                guard state.waiting[sequence] != nil else { return true }
                state.waiting[sequence]?.timer = timer
                return false
            }
            if settled { timer.cancel() }
        }
    }

    package func submissions() -> AsyncStream<[Submission]> {
        let (stream, continuation) = AsyncStream<[Submission]>.makeStream()
        state.withLock { $0.continuation = continuation }
        // When the hub stops listening before the end (not after `stop()`, which lets it drain
        // what it holds), whoever still waits hears that nothing was stored.
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.abandonWaiting() }
        }
        return stream
    }

    /// Answers everyone still waiting with nil and takes nothing more: for after the hub has
    /// stopped, when what was not settled will not be.
    package func abandonWaiting() {
        let abandoned = state.withLock { state -> [Waiter] in
            state.stopped = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in abandoned {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: nil)
        }
    }

    package func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async {
        let waiters = state.withLock { state in
            batch.map { state.waiting.removeValue(forKey: $0.settlement.sequence) }
        }
        for (waiter, outcome) in zip(waiters, outcomes) {
            waiter?.timer?.cancel()
            waiter?.continuation.resume(returning: outcome)
        }
    }

    package func pause() async {
        state.withLock { $0.paused = true }
    }

    package func resume() async {
        state.withLock { $0.paused = false }
    }

    package func stop() async {
        let continuation = state.withLock { state in
            state.stopped = true
            return state.continuation
        }
        continuation?.finish()
    }
}

import Synchronization

/// Submissions handed to the hub by a caller that waits for the outcome (the REST API): each
/// goes through the same ingress pipeline as the queue's, batched with whatever else arrives
/// meanwhile (one commit for many requests), and `submit` returns once the decision about it
/// is committed.
package final class DirectSubmissionSource: SubmissionSource {
    /// A caller waiting for its submission, and when it gives up.
    private struct Waiter {
        var continuation: CheckedContinuation<SubmissionOutcome?, Never>
        var deadline: ContinuousClock.Instant
    }

    /// The one timer task, which answers the callers whose deadlines have passed. One timer per
    /// caller cost 2 % of hubd's CPU under REST load; callers share a timeout, so their
    /// deadlines come in order and the sweeper wakes about once per timeout.
    private struct Sweeper {
        var task: Task<Void, Never>
        var wakes: ContinuousClock.Instant
        var generation: UInt64
    }

    private struct State {
        let continuation: AsyncStream<[Submission]>.Continuation
        var waiting: [UInt64: Waiter] = [:]
        var next: UInt64 = 0
        var paused = false
        var stopped = false
        var sweeper: Sweeper?
        var sweepers: UInt64 = 0
    }

    private let state: Mutex<State>
    private let stream: AsyncStream<[Submission]>

    /// The stream exists from the start: a request that comes while the hub is still starting
    /// (the API answers before ingress runs) waits for it, within its timeout, instead of
    /// being told that nothing could be stored.
    package init() {
        let (stream, continuation) = AsyncStream<[Submission]>.makeStream()
        self.stream = stream
        state = Mutex(State(continuation: continuation))
    }

    /// Offers one submission and waits until the hub has committed what it decided about it,
    /// at most `timeout`. Nil when the hub takes no submissions now (its store cannot write, or
    /// it is stopping; nothing was stored) or did not commit in time (it may still: the caller
    /// learns which by submitting again, which the duplicate check makes safe).
    package func submit(properties: MessageProperties, body: [UInt8], timeout: Duration) async -> SubmissionOutcome? {
        let deadline = ContinuousClock.now + timeout
        return await withCheckedContinuation { (waiter: CheckedContinuation<SubmissionOutcome?, Never>) in
            let taken = state.withLock { state -> Bool in
                guard !state.paused, !state.stopped else { return false }
                state.next += 1
                let submission = Submission(
                    properties: properties, body: body, settlement: SettlementToken(sequence: state.next, epoch: 0),
                    origin: .rest)
                state.waiting[state.next] = Waiter(continuation: waiter, deadline: deadline)
                if state.sweeper.map({ deadline < $0.wakes }) ?? true { startSweeper(wakingAt: deadline, in: &state) }
                state.continuation.yield([submission])
                return true
            }
            if !taken { waiter.resume(returning: nil) }
        }
    }

    /// How many callers wait for an outcome now.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    /// Replaces the sweeper with one that wakes at `wake` (earlier than the one before).
    private func startSweeper(wakingAt wake: ContinuousClock.Instant, in state: inout State) {
        state.sweeper?.task.cancel()
        state.sweepers += 1
        let generation = state.sweepers
        let task = Task { [weak self] in
            guard let self else { return }
            await self.sweep(wakingAt: wake, generation: generation)
        }
        state.sweeper = Sweeper(task: task, wakes: wake, generation: generation)
    }

    private func sweep(wakingAt first: ContinuousClock.Instant, generation: UInt64) async {
        var wake = first
        while (try? await Task.sleep(until: wake, clock: .continuous)) != nil {
            let (expired, next) = state.withLock { state -> ([Waiter], ContinuousClock.Instant?) in
                guard state.sweeper?.generation == generation else { return ([], nil) }
                let now = ContinuousClock.now
                let overdue = state.waiting.compactMap { $0.value.deadline <= now ? $0.key : nil }
                let expired = overdue.compactMap { state.waiting.removeValue(forKey: $0) }
                let next = state.waiting.values.lazy.map(\.deadline).min()
                if let next { state.sweeper?.wakes = next } else { state.sweeper = nil }
                return (expired, next)
            }
            for waiter in expired { waiter.continuation.resume(returning: nil) }
            guard let next else { return }
            wake = next
        }
    }

    package func submissions() -> AsyncStream<[Submission]> {
        // When the hub stops listening before the end (not after `stop()`, which lets it drain
        // what it holds), whoever still waits hears that nothing was stored.
        state.withLock { state in
            state.continuation.onTermination = { [weak self] termination in
                if case .cancelled = termination { self?.abandonWaiting() }
            }
        }
        return stream
    }

    /// Answers everyone still waiting with nil and takes nothing more: for after the hub has
    /// stopped, when what was not settled will not be.
    package func abandonWaiting() {
        let abandoned = state.withLock { state -> [Waiter] in
            state.stopped = true
            state.sweeper?.task.cancel()
            state.sweeper = nil
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
        for waiter in abandoned { waiter.continuation.resume(returning: nil) }
    }

    package func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async {
        let waiters = state.withLock { state in
            batch.map { state.waiting.removeValue(forKey: $0.settlement.sequence) }
        }
        for (waiter, outcome) in zip(waiters, outcomes) { waiter?.continuation.resume(returning: outcome) }
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
        continuation.finish()
    }
}

@testable import Hub
import Testing

@Suite(.timeLimit(.minutes(1))) struct WakeSignalTests {
    /// Starts a long wait on another task and signals it once that task runs (until its waiter
    /// is registered a signal is kept for it, so either order ends the wait); checks that the
    /// signal, not the timeout, ended it.
    private func expectSignalEndsWait(_ wake: WakeSignal) async {
        let (running, started) = AsyncStream<Void>.makeStream()
        let waiter = Task {
            started.yield()
            let begun = ContinuousClock.now
            await wake.wait(timeout: .seconds(60))
            return ContinuousClock.now - begun
        }
        for await _ in running { break }
        wake.signal()
        #expect(await waiter.value < .seconds(30))
    }

    /// Waits on `wake` and checks that nothing ended the wait before its timeout did.
    private func expectFullWait(_ wake: WakeSignal, _ timeout: Duration) async {
        let started = ContinuousClock.now
        await wake.wait(timeout: timeout)
        let waited = ContinuousClock.now - started
        #expect(waited >= timeout)
        #expect(waited < .seconds(30))
    }

    @Test func aSignalWithNobodyWaitingEndsTheNextWaitAtOnce() async {
        let wake = WakeSignal()
        wake.signal()
        let started = ContinuousClock.now
        await wake.wait(timeout: .seconds(30))
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aKeptSignalCanBeTakenInsteadOfWaitedFor() async {
        let wake = WakeSignal()
        #expect(!wake.takePending())
        wake.signal()
        #expect(wake.takePending())
        #expect(!wake.takePending())
        // Taken, it no longer ends the next wait.
        await expectFullWait(wake, .milliseconds(20))
    }

    @Test func aSignalEndsAWait() async {
        await expectSignalEndsWait(WakeSignal())
    }

    @Test func aWaitEndsAtItsTimeout() async {
        await expectFullWait(WakeSignal(), .milliseconds(20))
    }

    /// A wait says what ended it; a poke wakes like a signal but leaves none to take.
    @Test func aWaitSaysWhetherASignalAPokeOrItsTimeoutEndedIt() async {
        let wake = WakeSignal()
        #expect(await wake.wait(timeout: .milliseconds(20)) == .timedOut)
        wake.poke()
        #expect(!wake.takePending())
        #expect(await wake.wait(timeout: .seconds(30)) == .poked)
        wake.signal()
        #expect(await wake.wait(timeout: .seconds(30)) == .signalled)
        let (running, started) = AsyncStream<Void>.makeStream()
        let waiter = Task {
            started.yield()
            return await wake.wait(timeout: .seconds(60))
        }
        for await _ in running { break }
        wake.poke()
        #expect(await waiter.value == .poked)
        #expect(!wake.takePending())
    }

    /// The sleeper of a long wait that a signal ended is still asleep: a shorter wait after it
    /// must not wait for that sleeper.
    @Test func aShortTimeoutAfterALongWaitIsKept() async {
        let wake = WakeSignal()
        await expectSignalEndsWait(wake)
        let shortStarted = ContinuousClock.now
        await wake.wait(timeout: .milliseconds(20))
        #expect(ContinuousClock.now - shortStarted < .seconds(30))
        // And the waits after it, longer than the new sleeper's, still end by their own timeout.
        for _ in 0..<3 { await expectFullWait(wake, .milliseconds(30)) }
    }
}

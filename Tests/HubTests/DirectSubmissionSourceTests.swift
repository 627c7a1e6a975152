@testable import Hub
import Testing

/// A REST caller waits for its submission's outcome, and gives up at its deadline.
@Suite(.timeLimit(.minutes(1))) struct DirectSubmissionSourceTests {
    let source = DirectSubmissionSource()

    func submit(_ messageId: String, timeout: Duration) async -> SubmissionOutcome? {
        await source.submit(properties: MessageProperties(messageId: messageId), body: [], timeout: timeout)
    }

    @Test func aSettledSubmissionGetsItsOutcomeAndAnUnsettledOneGivesUpAtItsDeadline() async throws {
        var batches = source.submissions().makeAsyncIterator()
        async let settled = submit("m1", timeout: .seconds(30))
        let first = try #require(await batches.next())
        #expect(first.map(\.properties.messageId) == ["m1"])
        await source.settle(first, outcomes: [.accepted(messageId: "m1")])
        #expect(await settled == .accepted(messageId: "m1"))

        // Nobody settles m2: its caller hears nil once its deadline has passed, and not before.
        let clock = ContinuousClock()
        let start = clock.now
        async let unsettled = submit("m2", timeout: .milliseconds(50))
        #expect(try #require(await batches.next()).map(\.properties.messageId) == ["m2"])
        #expect(await unsettled == nil)
        #expect(clock.now - start >= .milliseconds(50))

        // Each waiter has a deadline of its own.
        async let again = submit("m3", timeout: .milliseconds(20))
        let third = try #require(await batches.next())
        #expect(await again == nil)
        // A late settlement of a caller that gave up answers nobody, and harms nothing: the next
        // caller still gets its own outcome.
        await source.settle(third, outcomes: [.accepted(messageId: "m3")])
        async let fourth = submit("m4", timeout: .seconds(30))
        let last = try #require(await batches.next())
        await source.settle(last, outcomes: [.duplicate])
        #expect(await fourth == .duplicate)
    }

    /// Callers share one timer: a caller with an earlier deadline than those already waiting
    /// still hears at its own, and the others keep waiting.
    @Test func anEarlierDeadlineIsKeptWhileLaterOnesWait() async throws {
        var batches = source.submissions().makeAsyncIterator()
        async let patient = submit("m1", timeout: .seconds(30))
        let first = try #require(await batches.next())
        let clock = ContinuousClock()
        let start = clock.now
        async let hasty = submit("m2", timeout: .milliseconds(30))
        #expect(try #require(await batches.next()).map(\.properties.messageId) == ["m2"])
        #expect(await hasty == nil)
        #expect(clock.now - start >= .milliseconds(30))
        #expect(clock.now - start < .seconds(20))
        await source.settle(first, outcomes: [.accepted(messageId: "m1")])
        #expect(await patient == .accepted(messageId: "m1"))
    }

    @Test func whilePausedOrStoppedNothingIsTakenAndTheCallerHearsAtOnce() async throws {
        var batches = source.submissions().makeAsyncIterator()
        await source.pause()
        #expect(await submit("m1", timeout: .seconds(30)) == nil)
        await source.resume()
        async let taken = submit("m2", timeout: .seconds(30))
        let batch = try #require(await batches.next())
        #expect(batch.map(\.properties.messageId) == ["m2"])
        await source.settle(batch, outcomes: [.accepted(messageId: "m2")])
        #expect(await taken == .accepted(messageId: "m2"))
        await source.stop()
        #expect(await submit("m3", timeout: .seconds(30)) == nil)
        #expect(await batches.next() == nil)
    }

    @Test func abandoningAnswersEveryoneStillWaiting() async throws {
        var batches = source.submissions().makeAsyncIterator()
        async let waiting = submit("m1", timeout: .seconds(30))
        _ = try #require(await batches.next())
        source.abandonWaiting()
        #expect(await waiting == nil)
    }

    /// The REST API answers before the hub's ingress runs: a request in that gap waits for
    /// ingress (hubd answered 503 "could not store the message now" right after it started).
    @Test func aSubmissionBeforeIngressRunsWaitsForIt() async throws {
        async let early = submit("m1", timeout: .seconds(30))
        // The positive signal that the caller waits before ingress has asked for the stream.
        while source.waitingCount == 0 { await Task.yield() }
        var batches = source.submissions().makeAsyncIterator()
        let batch = try #require(await batches.next())
        #expect(batch.map(\.properties.messageId) == ["m1"])
        await source.settle(batch, outcomes: [.accepted(messageId: "m1")])
        #expect(await early == .accepted(messageId: "m1"))
    }
}

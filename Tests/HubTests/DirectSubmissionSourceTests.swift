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
        // A late settlement of a caller that gave up answers nobody, and harms nothing.
        await source.settle(third, outcomes: [.accepted(messageId: "m3")])
    }

    @Test func whileStoppedOrPausedNothingIsTakenAndTheCallerHearsAtOnce() async throws {
        let batches = source.submissions()
        await source.pause()
        #expect(await submit("m1", timeout: .seconds(30)) == nil)
        await source.resume()
        await source.stop()
        #expect(await submit("m2", timeout: .seconds(30)) == nil)
        var iterator = batches.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test func abandoningAnswersEveryoneStillWaiting() async throws {
        var batches = source.submissions().makeAsyncIterator()
        async let waiting = submit("m1", timeout: .seconds(30))
        _ = try #require(await batches.next())
        source.abandonWaiting()
        #expect(await waiting == nil)
    }
}

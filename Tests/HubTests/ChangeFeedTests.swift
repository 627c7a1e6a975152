import Foundation
@testable import Hub
import Testing

@Suite(.timeLimit(.minutes(1))) struct ChangeFeedTests {
    /// A timer that fires before the wait has begun must still end it (else a stream waits for
    /// the next write, however long that takes).
    @Test func aWaitWhoseTimeoutPassedAtOnceReturns() async {
        let feed = ChangeFeed()
        for _ in 0..<500 { await feed.wait(after: feed.version, timeout: .zero) }
    }

    @Test func aChangeWakesEveryWaiterAndAnOldVersionReturnsAtOnce() async {
        let feed = ChangeFeed()
        let seen = feed.version
        async let first: Void = feed.wait(after: seen, timeout: .seconds(30))
        async let second: Void = feed.wait(after: seen, timeout: .seconds(30))
        try? await Task.sleep(for: .milliseconds(20))
        feed.bump()
        _ = await (first, second)
        await feed.wait(after: seen, timeout: .seconds(30))
    }
}

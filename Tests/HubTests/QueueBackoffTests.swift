import Foundation
@testable import Hub
import Testing

@Suite struct QueueBackoffTests {
    let now = Date(timeIntervalSince1970: 1_000)
    let policy = RetryPolicy(initialDelay: 1, maximumDelay: 8, jitter: 0)

    @Test func refusalsBlockTheQueueForGrowingPeriods() throws {
        var backoff = QueueBackoff()
        let recorded = backoff.record(queue: "q", succeeded: false, failure: "nack", now: now, policy: policy, random: 0)
        let first = try #require(recorded)
        #expect(first.until == now.addingTimeInterval(1))
        #expect(backoff.block(for: "q", at: now)?.reason == "nack")
        #expect(backoff.block(for: "other", at: now) == nil)
        _ = backoff.record(queue: "q", succeeded: false, failure: "nack", now: now, policy: policy, random: 0)
        let thirdRecorded = backoff.record(queue: "q", succeeded: false, failure: "nack", now: now, policy: policy, random: 0)
        let third = try #require(thirdRecorded)
        #expect(third.until == now.addingTimeInterval(4))
        #expect(backoff.block(for: "q", at: now.addingTimeInterval(5)) == nil)
    }

    @Test func aSuccessLiftsTheBlock() {
        var backoff = QueueBackoff()
        _ = backoff.record(queue: "q", succeeded: false, failure: "nack", now: now, policy: policy, random: 0)
        #expect(backoff.record(queue: "q", succeeded: true, failure: "nack", now: now, policy: policy, random: 0) == nil)
        #expect(backoff.block(for: "q", at: now) == nil)
    }
}

import Foundation
@testable import Hub
import Testing

@Suite struct QueueHoldsTests {
    let now = Date(timeIntervalSince1970: 1_000)
    let backoff = Backoff(initialDelay: 1, maximumDelay: 8, jitter: 0)

    @Test func refusalsHoldTheQueueForGrowingPeriods() throws {
        var holds = QueueHolds()
        let recorded = holds.record(queue: "q", succeeded: false, failure: "nack", now: now, backoff: backoff, random: 0)
        let first = try #require(recorded)
        #expect(first.until == now.addingTimeInterval(1))
        #expect(holds.hold(on: "q", at: now)?.reason == "nack")
        #expect(holds.hold(on: "other", at: now) == nil)
        _ = holds.record(queue: "q", succeeded: false, failure: "nack", now: now, backoff: backoff, random: 0)
        let thirdRecorded = holds.record(queue: "q", succeeded: false, failure: "nack", now: now, backoff: backoff, random: 0)
        let third = try #require(thirdRecorded)
        #expect(third.until == now.addingTimeInterval(4))
        #expect(holds.hold(on: "q", at: now.addingTimeInterval(5)) == nil)
    }

    @Test func aSuccessLiftsTheHold() {
        var holds = QueueHolds()
        _ = holds.record(queue: "q", succeeded: false, failure: "nack", now: now, backoff: backoff, random: 0)
        #expect(holds.record(queue: "q", succeeded: true, failure: "nack", now: now, backoff: backoff, random: 0) == nil)
        #expect(holds.hold(on: "q", at: now) == nil)
    }
}

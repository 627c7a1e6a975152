@testable import AMQPBridge
import Testing

/// Publisher confirms are matched to the batch's messages by delivery tag, `multiple` included,
/// and a basic.return turns the confirm of its message into `.returned`.
@Suite("ConfirmTracker")
struct ConfirmTrackerTests {
    let batch = (0..<6).map { index in
        AMQPOutboundMessage(routingKey: index == 3 ? "nowhere" : "q", properties: AMQPProperties(messageId: "m\(index)"), body: [])
    }

    /// Publishes batch indices 0..<count with tags starting at `firstTag`.
    func tracker(firstTag: UInt64 = 1, count: Int = 6) -> ConfirmTracker {
        var tracker = ConfirmTracker(firstTag: firstTag, capacity: count)
        for index in 0..<count { tracker.published(index: index, bytes: 10) }
        return tracker
    }

    @Test func multipleAcksSettleEverythingUpToTheirTag() {
        var tracker = tracker()
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        #expect(tracker.settle(tag: 3, multiple: true, nack: false, batch: batch, outcomes: &outcomes) == 3)
        #expect(outcomes.prefix(3).allSatisfy { $0 == .confirmed })
        #expect(outcomes.dropFirst(3).allSatisfy { $0 == nil })
        #expect(tracker.outstanding == 3)
        #expect(tracker.outstandingBytes == 30)
        // Settling again changes nothing.
        #expect(tracker.settle(tag: 2, multiple: true, nack: false, batch: batch, outcomes: &outcomes) == 0)
    }

    @Test func singleAcksAndNacksSettleOneEachInAnyOrder() {
        var tracker = tracker()
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        #expect(tracker.settle(tag: 5, multiple: false, nack: true, batch: batch, outcomes: &outcomes) == 1)
        #expect(tracker.settle(tag: 1, multiple: false, nack: false, batch: batch, outcomes: &outcomes) == 1)
        #expect(outcomes[4] == .nacked)
        #expect(outcomes[0] == .confirmed)
        // A multiple ack past the out-of-order one settles only the rest.
        #expect(tracker.settle(tag: 6, multiple: true, nack: false, batch: batch, outcomes: &outcomes) == 4)
        #expect(outcomes[4] == .nacked)
        #expect(tracker.outstanding == 0)
    }

    @Test func tagsOutsideTheBatchAreIgnored() {
        var tracker = tracker(firstTag: 100)
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        #expect(tracker.settle(tag: 99, multiple: true, nack: false, batch: batch, outcomes: &outcomes) == 0)
        #expect(tracker.settle(tag: 106, multiple: false, nack: false, batch: batch, outcomes: &outcomes) == 0)
        #expect(outcomes.allSatisfy { $0 == nil })
        #expect(tracker.settle(tag: 105, multiple: true, nack: false, batch: batch, outcomes: &outcomes) == 6)
    }

    @Test func aReturnMakesItsMessageReturned() {
        var tracker = tracker()
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        tracker.noteReturn(code: 312, text: "NO_ROUTE", exchange: "", routingKey: "nowhere", messageId: "m3", batch: batch)
        _ = tracker.settle(tag: 6, multiple: true, nack: false, batch: batch, outcomes: &outcomes)
        #expect(outcomes[3] == .returned(replyCode: 312, replyText: "NO_ROUTE"))
        #expect(outcomes.enumerated().filter { $0.offset != 3 }.allSatisfy { $0.element == .confirmed })
    }

    @Test func aReturnWithoutMessageIdMatchesTheEarliestUnsettledWithItsRoute() {
        let routed = (0..<3).map { _ in AMQPOutboundMessage(routingKey: "r", properties: AMQPProperties(), body: []) }
        var tracker = ConfirmTracker(firstTag: 1, capacity: 3)
        for index in 0..<3 { tracker.published(index: index, bytes: 1) }
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: 3)
        _ = tracker.settle(tag: 1, multiple: false, nack: false, batch: routed, outcomes: &outcomes)
        tracker.noteReturn(code: 312, text: "NO_ROUTE", exchange: "", routingKey: "r", messageId: nil, batch: routed)
        _ = tracker.settle(tag: 3, multiple: true, nack: false, batch: routed, outcomes: &outcomes)
        #expect(outcomes == [.confirmed, .returned(replyCode: 312, replyText: "NO_ROUTE"), .confirmed])
    }
}

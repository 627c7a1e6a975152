import Foundation

/// Queues the dispatcher holds messages back from. When a queue refuses publishes (a nack, a
/// return, a missing queue), every message for it would fail the same way, so the dispatcher
/// stops offering it messages until its hold ends, instead of spending batches on them while
/// other receivers wait. The hold grows by the hub's `Backoff` while the queue keeps refusing.
struct QueueHolds: Sendable {
    struct Hold: Sendable, Equatable {
        var until: Date
        var failures: Int
        var reason: String
    }

    private(set) var holds: [String: Hold] = [:]

    /// The hold on `queue` still in force at `now`, if any.
    func hold(on queue: String, at now: Date) -> Hold? {
        guard let hold = holds[queue], hold.until > now else { return nil }
        return hold
    }

    /// Records a batch's outcome for one queue: any success lifts its hold; only failures extend it.
    mutating func record(queue: String, succeeded: Bool, failure: String?, now: Date, backoff: Backoff, random: Double) -> Hold? {
        if succeeded {
            holds[queue] = nil
            return nil
        }
        let failures = (holds[queue]?.failures ?? 0) + 1
        let hold = Hold(
            until: now.addingTimeInterval(backoff.delay(afterAttempt: failures, random: random)),
            failures: failures, reason: failure ?? "refused")
        holds[queue] = hold
        return hold
    }
}

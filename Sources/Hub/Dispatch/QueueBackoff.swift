import Foundation

/// Per-queue back-off. When a queue refuses publishes (a nack, a return), every message for it
/// would fail the same way, so the dispatcher stops offering it messages until its back-off
/// ends, instead of spending batches on them while other receivers wait.
struct QueueBackoff: Sendable {
    struct Block: Sendable, Equatable {
        var until: Date
        var failures: Int
        var reason: String
    }

    private(set) var blocks: [String: Block] = [:]

    /// The block on `queue` still in force at `now`, if any.
    func block(for queue: String, at now: Date) -> Block? {
        guard let block = blocks[queue], block.until > now else { return nil }
        return block
    }

    /// Records a batch's outcome for one queue: any success lifts its block; only failures extend it.
    mutating func record(queue: String, succeeded: Bool, failure: String?, now: Date, policy: RetryPolicy, random: Double) -> Block? {
        if succeeded {
            blocks[queue] = nil
            return nil
        }
        let failures = (blocks[queue]?.failures ?? 0) + 1
        let block = Block(
            until: now.addingTimeInterval(policy.delay(afterAttempt: failures, random: random)),
            failures: failures, reason: failure ?? "refused")
        blocks[queue] = block
        return block
    }
}

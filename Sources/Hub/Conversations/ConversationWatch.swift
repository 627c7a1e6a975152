import Dialogs
import Foundation
import Logging

/// Watches answer deadlines (dialogs contract §2): at least every `answerCheckInterval` it
/// marks the conversations whose deadline passed without an answer as overdue (the store
/// notifies both parties, once per conversation) and logs one warning for each, and it forgets
/// answered and closed conversations past message retention. Runs inside `HubService`, on the
/// hub's clock.
///
/// ```swift
/// let watch = ConversationWatch(store: store, settings: settings, logger: logger, clock: Date.init)
/// let marked = try await watch.checkOnce()    // what `run` does every interval
/// ```
package final class ConversationWatch: Sendable {
    private let store: any HubStore
    private let interval: TimeInterval
    private let retention: TimeInterval
    private let logger: Logger
    private let clock: @Sendable () -> Date
    /// One instance of a fleet marks and tells; the others look again next interval.
    private let lease: FleetLease
    private static let batch = 500

    package init(store: any HubStore, settings: HubSettings, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        interval = settings.answerCheckInterval
        retention = settings.messageRetention
        self.logger = logger
        self.clock = clock
        lease = FleetLease(.conversations, length: max(3 * interval, 60), store: store)
    }

    /// Checks every interval of the clock until `shouldStop`; `wake` makes it look at the clock
    /// early (after a test moved it, or at shutdown).
    func run(wake: WakeSignal, shouldStop: @Sendable () -> Bool) async {
        var lastCheck: Date?
        var failing = false
        while !shouldStop() {
            let now = clock()
            if lastCheck.map({ now.timeIntervalSince($0) >= interval }) ?? true {
                do {
                    if try await lease.isHeld(now: now) {
                        try await checkOnce(now: now)
                    }
                    lastCheck = now
                    if failing {
                        logger.notice("answer deadlines: the store works again")
                        failing = false
                    }
                } catch {
                    if !failing {
                        logger.error("answer deadlines cannot be checked: the store failed; retrying", metadata: ["error": "\(error)"])
                        failing = true
                    }
                }
            }
            // Until the next check is due by the clock, at most an hour: a long interval is still
            // measured on the clock, which a test may move without waiting.
            let next = failing ? 1 : (lastCheck ?? now).addingTimeInterval(interval).timeIntervalSince(clock())
            await wake.wait(timeout: .milliseconds(Int(max(0.01, min(next, interval, 3600)) * 1000)))
        }
    }

    /// Marks what is overdue at `now` (the clock's time by default) and prunes finished
    /// conversations past retention. Returns how many it marked overdue.
    @discardableResult
    package func checkOnce(now: Date? = nil) async throws(StoreError) -> Int {
        let now = now ?? clock()
        var marked = 0
        while true {
            let overdue = try await store.markOverdueConversations(now: now, limit: Self.batch)
            for conversation in overdue {
                logger.warning("conversation overdue: no answer by its deadline", metadata: [
                    "conversation_id": "\(LogSafe.text(conversation.conversationId))",
                    "message_id": "\(LogSafe.text(conversation.requestMessageId))",
                    "function": "\(conversation.function)",
                    "fromHerId": "\(conversation.senderHerId)", "toHerId": "\(conversation.receiverHerId)",
                    "deadline": "\(Timestamp.format(conversation.deadline))",
                ])
            }
            marked += overdue.count
            if overdue.count < Self.batch { break }
        }
        let pruned = try await store.pruneConversations(finishedBefore: now.addingTimeInterval(-retention))
        if pruned > 0 { logger.info("pruned finished conversations", metadata: ["conversations": "\(pruned)"]) }
        return marked
    }
}

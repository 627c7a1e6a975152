import AddressRegistry
import Foundation

/// The hub's durable state: the outbox of messages to send, their status histories, duplicate
/// keys, dead letters, conversations, notifications, the event log and what is left to deliver
/// of it, PROMs orders, and the registry copy. `SQLiteStore` keeps it in one SQLite file;
/// `PostgresStore` (module PostgresStore) in a PostgreSQL database a fleet of instances shares.
///
/// Every method that changes state runs in one transaction, so a crash leaves either all of a
/// batch or none of it; ingress acknowledges submissions only after `commitIngress` returns.
/// Failures come out as `StoreError`, transient or permanent.
package protocol HubStore: AnyObject, Sendable {
    // MARK: The store

    /// The queue dead letters are copied to.
    var deadLetterQueue: String { get }

    /// Bumped after every write of this process, for readers that follow the store live.
    var changes: ChangeFeed { get }

    /// How many bytes the store takes on disk, for the metrics; nil when the backend cannot tell.
    func storageBytes() async -> Int64?

    // MARK: Fleet

    /// Takes or renews this instance's lease on `job` until `now + duration`; false while
    /// another instance of the fleet holds an unexpired one. A holder renews on every round of
    /// its job, so the job moves to another instance only when its holder stops.
    func holdLease(_ job: FleetJob, for duration: TimeInterval, now: Date) async throws(StoreError) -> Bool

    /// Gives up this instance's leases (a clean shutdown), so that others take over at once.
    func releaseLeases() async throws(StoreError)

    /// Records a DPoP proof's `jti` until `expiry` where every instance of the fleet sees it;
    /// false when an instance recorded it before and that record has not expired: a proof
    /// replayed to another instance behind the same URL (REST contract §1, "a `jti` not seen
    /// before within that window").
    func recordProof(_ jti: String, until expiry: Date, now: Date) async throws(StoreError) -> Bool

    // MARK: Delivery channels

    /// Every party's channel other than the default (AMQP).
    func deliveryChannels() async throws(StoreError) -> [Int: DeliveryChannel]

    /// Sets the channels of these parties in one transaction; `.amqp` removes a party's row.
    func setDeliveryChannels(_ channels: [Int: DeliveryChannel], now: Date) async throws(StoreError)

    // MARK: Conversations

    /// Marks at most `limit` open conversations whose deadline passed before `now` as overdue,
    /// each once, with a `ConversationOverdue` notification to its receiver and to its sender.
    /// Returns those it marked.
    func markOverdueConversations(now: Date, limit: Int) async throws(StoreError) -> [Conversation]

    /// Forgets answered and closed conversations whose last change was before `finishedBefore`
    /// (with their notifications); open and overdue ones stay until they are answered or
    /// closed. Returns how many it removed.
    @discardableResult
    func pruneConversations(finishedBefore: Date) async throws(StoreError) -> Int

    /// The conversations one of `herIds` takes part in (all when nil), in `state` (any when
    /// nil), oldest first.
    func conversations(involving herIds: [Int]?, state: ConversationState?) async throws(StoreError) -> [Conversation]

    /// The conversation the stored message `id` opened or answered, if any.
    func conversation(ofMessage id: Int64) async throws(StoreError) -> Conversation?

    // MARK: Dead letters

    /// Puts a dead letter back: a message that was accepted returns to dispatch with a fresh
    /// expiry and the same `message_id`; a submission that never passed the checks goes back to
    /// the submission queue, to be checked again.
    func replayDeadLetter(_ id: Int64, expiry: TimeInterval, submitQueue: String, now: Date) async throws(StoreError) -> ReplayOutcome

    /// Ids of the dead letters not yet replayed, oldest first; with `messageId`, only those of
    /// that message (a message can be dead-lettered more than once, after a replay).
    func pendingDeadLetterIds(messageId: String?) async throws(StoreError) -> [Int64]

    /// Whether a dead letter with this id exists (replayed or not).
    func deadLetterExists(_ id: Int64) async throws(StoreError) -> Bool

    /// Dead letters not yet replayed, newest last.
    func deadLetters(limit: Int) async throws(StoreError) -> [DeadLetterRecord]

    // MARK: Dispatch

    /// The targets of pending messages with an id above `afterId`, and the highest id seen:
    /// how the dispatcher learns of new lanes by reading only the rows added since it last looked.
    /// With `afterId` 0 it reads every pending message's target. A backend whose writers commit
    /// out of id order (PostgreSQL, several instances) may return some older targets as well.
    func pendingTargets(afterId: Int64) async throws(StoreError) -> (targets: Set<DeliveryTarget>, highestId: Int64)

    /// Pending messages of one target due by `now`, oldest due first: at most `limit`, and
    /// stopping once their bodies pass `maxBytes` (at least one is returned when any is due).
    func dueMessages(for target: DeliveryTarget, now: Date, limit: Int, maxBytes: Int) async throws(StoreError) -> [DueMessage]

    /// The dispatcher's look for work: `pendingTargets(afterId:)`, then `dueMessages` for the
    /// lanes `plan` picks from what that found, in its order, until `limit` messages or
    /// `maxBytes` of bodies, leaving out the ids in `skipping` (messages the dispatcher holds in
    /// memory already, `CommitHandOff`). A backend may answer it in one read (SQLite does: one
    /// transaction and one hand-off to a reader instead of two or more per batch); the default
    /// makes the separate calls.
    func collectDue(
        afterId: Int64, now: Date, limit: Int, maxBytes: Int, skipping: Set<Int64>,
        plan: @escaping @Sendable (_ targets: Set<DeliveryTarget>, _ highestId: Int64) -> [DeliveryTarget]
    ) async throws(StoreError) -> DueBatch

    /// Whether the messages this process commits may be sent from memory, before a look at the
    /// store finds them (`CommitHandOff`): true when this process alone dispatches from the store.
    /// The default is false, as a fleet's store needs it: its instances claim each message in
    /// the store before they send it.
    var handsOffCommits: Bool { get }

    /// How often, in seconds, the dispatcher renews the claims of a batch it is still sending
    /// (`renewClaims`); nil for a store that claims nothing, as one process alone dispatches
    /// from it.
    var claimRenewal: TimeInterval? { get }

    /// Extends this instance's claims on the messages `ids` (those `dueMessages` gave it, still
    /// pending) by a lease from `now`. A batch may take longer than a lease (webhooks that run
    /// to their timeout), and a claim that lapses meanwhile lets another instance send the same
    /// messages again. Claims another instance has taken are left alone.
    func renewClaims(_ ids: [Int64], now: Date) async throws(StoreError)

    /// When the next pending message of `target` falls due; nil when it has none pending.
    func nextDueTime(for target: DeliveryTarget) async throws(StoreError) -> Date?

    /// Records the outcome of a dispatch batch in one transaction.
    func recordDispatch(_ results: [DispatchResult], now: Date) async throws(StoreError)

    // MARK: Event delivery

    /// The rows due now that head their lane (no older row of the same subscriber and citizen
    /// is left), oldest first: a citizen's later event waits until the earlier one is
    /// delivered, and nothing else waits for it. Only rows up to `sequence` are read.
    func dueEventDeliveries(
        webhooks: Bool, now: Date, upTo sequence: Int64, limit: Int
    ) async throws(StoreError) -> [EventDelivery]

    /// When the next lane head of this loop falls due; nil when none is left. (A row behind its
    /// lane's head may be due already, but it is not sent before the head.)
    func nextEventDeliveryDue(webhooks: Bool) async throws(StoreError) -> Date?

    /// Removes the delivered rows and reschedules the failed ones.
    func recordEventDeliveries(
        delivered: [EventDelivery], failed: [(delivery: EventDelivery, retryAt: Date, error: String)]
    ) async throws(StoreError)

    /// The subscriptions and the log's last sequence, read together: whatever is at or below
    /// that sequence was appended knowing these subscriptions (or older ones).
    func subscriptionsAndLogEnd() async throws(StoreError) -> (subscriptions: [EventSubscription], end: Int64)

    /// How many rows are waiting per subscriber (0: the exchange), for `hubd subscriptions list`.
    func pendingEventDeliveries() async throws(StoreError) -> [Int: Int]

    // MARK: The event log

    /// A stored event, by its id; nil when there is none.
    func event(eventId: String) async throws(StoreError) -> LoggedEvent?

    /// The last `citizenSequence` stored for a citizen, 0 when none.
    func lastCitizenSequence(nationalId: String) async throws(StoreError) -> Int

    /// Events after `sequence` that `subscription`'s filter matches, oldest first, at most `limit`.
    func events(after sequence: Int64, matching subscription: EventSubscription, limit: Int) async throws(StoreError) -> [LoggedEvent]

    // MARK: Inbox

    /// Records that the receiver has downloaded a message: its status becomes `delivered`.
    /// False when no message with this id is addressed to that receiver. Repeating it is harmless.
    func markDownloaded(messageId: String, receiverHerId: Int, now: Date) async throws(StoreError) -> Bool

    // MARK: Ingress

    /// Writes a batch of ingress decisions in one transaction: accepted messages with their
    /// `accepted` status, duplicate keys and conversations, error messages for senders, dead
    /// letters, events. A submission whose key was accepted before is dropped as a duplicate
    /// whatever else was decided about it. A key counts while its message is kept, and for
    /// its duplicate window (`prune`) in any case.
    func commitIngress(_ decisions: [IngressDecision], now: Date) async throws(StoreError) -> [IngressOutcome]

    // MARK: Messages

    /// The messages between parties (MsgHeads and AppRecs, not error messages or dead-letter
    /// copies) with this `message_id`, newest first, with their histories.
    func storedMessages(messageId: String) async throws(StoreError) -> [StoredMessage]

    /// The `message_id` and document of the message a sender submitted with this `MsgId` (or
    /// AppRec `Id`), when the store still has it: what an idempotent resubmission compares with.
    func submittedMessage(senderHerId: Int, msgId: String) async throws(StoreError) -> (messageId: String, body: [UInt8])?

    // MARK: Notifications

    /// The notifications for these parties after `offset`, oldest first, at most `limit`.
    func notifications(for herIds: [Int], after offset: Int64, limit: Int) async throws(StoreError) -> [HubNotification]

    /// The highest offset handed out so far (0 when none): where a stream without an offset starts.
    func latestNotificationOffset() async throws(StoreError) -> Int64

    // MARK: PROMs orders

    /// Stores a register's order under `id` as `accepted`, due to be placed at once. When the
    /// register used its reference before: the earlier order's id if it is the same order,
    /// `.conflict` if its content differs.
    func acceptPromsOrder(_ order: NewPromsOrder, id: String, now: Date) async throws(StoreError) -> PromsOrderAcceptance

    /// An order as its register sees it; nil when there is none with this id.
    func promsOrder(id: String) async throws(StoreError) -> PromsOrder?

    /// Accepted orders due to be placed by `now`, longest waiting first, at most `limit`.
    func duePromsOrders(now: Date, limit: Int) async throws(StoreError) -> [DuePromsOrder]

    /// When the next accepted order falls due; nil when none waits.
    func nextPromsAttempt() async throws(StoreError) -> Date?

    /// Records what became of an attempt to place an order. An order that is no longer
    /// `accepted` (expired meanwhile) is left as it is.
    func recordPromsPlacement(
        _ result: PromsPlacementResult, of id: String, now: Date, pushExpiry: TimeInterval
    ) async throws(StoreError)

    /// Records a callback about the order the service knows as `callback.formOrderId`. False
    /// when there is no such order; true once recorded, or when there was nothing to record
    /// (a repeat, or an order already completed or expired).
    func recordPromsCallback(_ callback: PromsCallback, now: Date, pushExpiry: TimeInterval) async throws(StoreError) -> Bool

    /// Makes `expired` the open orders (not completed, expired or failed) whose expiry date
    /// ended at or before `endedBefore`, at most `limit` of them. Returns how many.
    func expirePromsOrders(endedBefore: Date, now: Date, pushExpiry: TimeInterval, limit: Int) async throws(StoreError) -> Int

    /// Forgets completed, expired and failed orders last changed before `finishedBefore`, with
    /// their histories and notifications. Returns how many.
    @discardableResult
    func prunePromsOrders(finishedBefore: Date) async throws(StoreError) -> Int

    // MARK: The registry copy

    /// Replaces the registry copy atomically with a file's parties and bumps its version, so a
    /// running hub reloads it. The copy is no longer AR's: the AR sync position is forgotten, so
    /// a configured AR sync starts again with a full export.
    func replaceRegistry(_ entries: [RegistryEntry], source: String, now: Date) async throws(StoreError)

    /// The registry version; changes whenever a registry is imported.
    func registryVersion() async throws(StoreError) -> Int64

    /// The registry copy and its version, each party as it stands at `now` (`asOf`: not active
    /// outside its validity). A stored party that no longer reads (a damaged store, or a
    /// document an older hubd stored) fails the load, naming the party, rather than silently
    /// routing without it.
    func loadRegistry(at now: Date) async throws(StoreError) -> (version: Int64, registry: AddressRegistry)

    /// Where a stored party came from and when; nil when no party has `herId`, or its origin
    /// is damaged.
    func partyProvenance(herId: Int) async throws(StoreError) -> PartyProvenance?

    // MARK: The AR sync

    /// How far the copy has followed AR; nil when the copy is not AR's (never synced, or a file
    /// import replaced it since).
    func registrySyncPosition() async throws(StoreError) -> RegistrySyncPosition?

    /// Replaces the whole copy with a complete sync from AR at `url`, whose export stood at
    /// event `sequence`, in one transaction: a hub never routes with half of it.
    func replaceRegistry(fromAR entries: [RegistryEntry], url: String, sequence: Int64, now: Date) async throws(StoreError)

    /// Takes in AR's events after `previous` up to `sequence`: the parties they named as AR now
    /// gives them (`changed`, replacing the stored ones) and those AR no longer gives out
    /// (`removed`), with the new position, in one transaction.
    ///
    /// Returns false, changing nothing, when the position is no longer `previous` at `url`: the
    /// copy was replaced meanwhile (a file import, another sync), and these events do not apply
    /// to it.
    func applyRegistryEvents(
        changed: [RegistryEntry], removed: [Int], url: String, after previous: Int64, through sequence: Int64, now: Date
    ) async throws(StoreError) -> Bool

    // MARK: Reports

    /// The messages with this `message_id` (or, failing that, this MsgHead `MsgId`), with histories.
    func reports(for identifier: String) async throws(StoreError) -> [MessageReport]

    /// How many messages wait to be sent.
    func pendingCount() async throws(StoreError) -> Int

    /// Writes one row and commits: whether the store takes writes now (readiness).
    func probeWrite(now: Date) async throws(StoreError)

    /// Counts of messages by state, for logs and readiness.
    func stateCounts() async throws(StoreError) -> [String: Int]

    // MARK: Retention

    /// Forgets what can no longer matter, so the store does not grow without bound: duplicate
    /// keys accepted before `duplicateKeysBefore`; dead letters (replayed or not) and finished
    /// messages (sent, expired, failed) from before `messagesBefore`, a message only once no
    /// dead letter of it waits for replay. A message pruned while its key is younger than
    /// `duplicateKeysBefore` stays a duplicate until then. Returns the rows removed.
    @discardableResult
    func prune(duplicateKeysBefore: Date, messagesBefore: Date) async throws(StoreError) -> Int

    // MARK: Subscriptions

    /// Creates or replaces a party's subscription. A new one starts at the current end of the
    /// log (events.md §4). When the channel changes, what was still to be delivered to the
    /// subscriber directly follows it to the new channel (an `Api` subscriber reads the log
    /// itself, so its rows go).
    func putSubscription(_ subscription: EventSubscription, now: Date) async throws(StoreError)

    /// Removes a party's subscription and what was still to be delivered to it directly.
    /// False when it had none.
    @discardableResult
    func deleteSubscription(herId: Int) async throws(StoreError) -> Bool

    /// A party's subscription; nil when it has none.
    func subscription(herId: Int) async throws(StoreError) -> EventSubscription?

    /// Every subscription, by HER-id.
    func subscriptions() async throws(StoreError) -> [EventSubscription]
}

/// The usual arguments of the requirements that have them (a protocol requirement cannot
/// declare a default value).
extension HubStore {
    /// Every dead letter not yet replayed, of any message.
    package func pendingDeadLetterIds() async throws(StoreError) -> [Int64] {
        try await pendingDeadLetterIds(messageId: nil)
    }

    /// The last 1000 dead letters not yet replayed, newest last.
    package func deadLetters() async throws(StoreError) -> [DeadLetterRecord] {
        try await deadLetters(limit: 1000)
    }

    package func collectDue(
        afterId: Int64, now: Date, limit: Int, maxBytes: Int, skipping: Set<Int64>,
        plan: @escaping @Sendable (_ targets: Set<DeliveryTarget>, _ highestId: Int64) -> [DeliveryTarget]
    ) async throws(StoreError) -> DueBatch {
        let found = try await pendingTargets(afterId: afterId)
        var batch = DueBatch(limit: limit, maxBytes: maxBytes)
        for target in plan(found.targets, found.highestId) where batch.hasRoom {
            let lane = try await dueMessages(
                for: target, now: now, limit: batch.remainingCount + skipping.count, maxBytes: batch.remainingBytes)
            batch.add(Array(lane.lazy.filter { !skipping.contains($0.id) }.prefix(batch.remainingCount)))
        }
        return batch
    }

    package var handsOffCommits: Bool { false }

    package var claimRenewal: TimeInterval? { nil }

    package func renewClaims(_ ids: [Int64], now: Date) async throws(StoreError) {}

    /// Pending messages of one target due by `now`, however large their bodies.
    package func dueMessages(for target: DeliveryTarget, now: Date, limit: Int) async throws(StoreError) -> [DueMessage] {
        try await dueMessages(for: target, now: now, limit: limit, maxBytes: .max)
    }

    /// The rows due now that head their lane, from the whole log.
    package func dueEventDeliveries(webhooks: Bool, now: Date, limit: Int) async throws(StoreError) -> [EventDelivery] {
        try await dueEventDeliveries(webhooks: webhooks, now: now, upTo: .max, limit: limit)
    }

    /// Whether the store takes writes at this moment.
    package func probeWrite() async throws(StoreError) {
        try await probeWrite(now: Date())
    }
}

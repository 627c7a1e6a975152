import Foundation
@testable import Hub
import Logging
import PostgresStore
import Synchronization
import Testing

/// What several instances on one PostgreSQL database rely on (contract fleet.md §2), with two
/// stores on one schema standing for two instances.
@Suite(.timeLimit(.minutes(2))) struct FleetStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ messageId: String, key: String, origin: SubmissionOrigin = .amqp, to: Int = 2) -> NewMessage {
        NewMessage(
            messageId: messageId, kind: .dialog, fromHerId: 1, toHerId: to, messageFunction: "F", msgId: key,
            target: .partyAsync(herId: to), properties: MessageProperties(messageId: messageId),
            body: Array("<x/>".utf8), expiresAt: now.addingTimeInterval(600),
            duplicateKey: DuplicateKey(senderHerId: 1, key: key), origin: origin)
    }

    func pair(lease: TimeInterval = 30) async throws -> (PostgresStore, PostgresStore) {
        let schema = StoreBackend.freshSchema()
        let a = try await StoreBackend.postgresStore(schema: schema, instance: "a", claimLease: lease)
        let b = try await StoreBackend.postgresStore(schema: schema, instance: "b", claimLease: lease)
        return (a, b)
    }

    @Test func aClaimKeepsOtherInstancesOffUntilItsLeaseLapses() async throws {
        let (a, b) = try await pair(lease: 30)
        _ = try await a.commitIngress([.accept(message("m1", key: "k1"))], now: now)
        let claimed = try await a.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10, maxBytes: .max)
        #expect(claimed.map(\.messageId) == ["m1"])
        #expect(try await b.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10, maxBytes: .max).isEmpty)
        #expect(try await b.nextDueTime(for: .partyAsync(herId: 2)) == now.addingTimeInterval(30))

        // Instance a dies before recording anything: after the lease, b sends it (same message_id).
        let later = now.addingTimeInterval(31)
        let takenOver = try await b.dueMessages(for: .partyAsync(herId: 2), now: later, limit: 10, maxBytes: .max)
        #expect(takenOver.map(\.messageId) == ["m1"])
        try await b.recordDispatch([.sent(id: takenOver[0].id)], now: later)
        #expect(try await a.dueMessages(for: .partyAsync(herId: 2), now: later.addingTimeInterval(60), limit: 10, maxBytes: .max).isEmpty)
        #expect(try await a.reports(for: "m1").first?.history.map(\.status) == [.accepted, .sent])
        // Contract §1: the status history names the instance that recorded each status.
        #expect(try await a.reports(for: "m1").first?.history.map(\.instance) == ["a", "b"])
    }

    /// Instance a's lease lapses while it still tries to send; b takes the message over. What a
    /// then records, other than that it sent it, must not undo b's claim (a third attempt could
    /// start) nor end the message behind b's back.
    @Test func aLapsedClaimsOutcomeLeavesTheNewClaimAlone() async throws {
        let (a, b) = try await pair(lease: 30)
        _ = try await a.commitIngress([.accept(message("m1", key: "k1")), .accept(message("m2", key: "k2"))], now: now)
        let claimedByA = try await a.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10, maxBytes: .max)
        #expect(claimedByA.map(\.messageId) == ["m1", "m2"])
        let later = now.addingTimeInterval(31)
        let claimedByB = try await b.dueMessages(for: .partyAsync(herId: 2), now: later, limit: 10, maxBytes: .max)
        #expect(claimedByB.map(\.messageId) == ["m1", "m2"])

        try await a.recordDispatch([
            .retry(id: claimedByA[0].id, error: "queue full", nextAttempt: later),
            .givenUp(id: claimedByA[1].id, status: .expired, reason: "expired", deadLetter: nil, notice: nil),
        ], now: later)
        // b's claims stand: nobody else may take the messages, and neither has ended.
        #expect(try await a.dueMessages(for: .partyAsync(herId: 2), now: later, limit: 10, maxBytes: .max).isEmpty)
        #expect(try await a.nextDueTime(for: .partyAsync(herId: 2)) == later.addingTimeInterval(30))
        #expect(try await a.reports(for: "m2").first?.history.map(\.status) == [.accepted])

        try await b.recordDispatch([.sent(id: claimedByB[0].id), .sent(id: claimedByB[1].id)], now: later)
        for messageId in ["m1", "m2"] {
            #expect(try await a.reports(for: messageId).first?.history.map(\.status) == [.accepted, .sent])
        }

        // An outcome of a's that arrives only now, after b recorded the messages sent, leaves
        // them sent: no failure, dead letter or retry for a message that was delivered.
        let draft = DeadLetterDraft(messageId: "m2", fromHerId: "1", toHerId: "2", messageFunction: "F",
                                    reason: "expired", properties: MessageProperties(messageId: "m2"), body: [])
        try await a.recordDispatch([
            .retry(id: claimedByA[0].id, error: "queue full", nextAttempt: later),
            .givenUp(id: claimedByA[1].id, status: .expired, reason: "expired", deadLetter: draft, notice: nil),
        ], now: later.addingTimeInterval(1))
        for messageId in ["m1", "m2"] {
            #expect(try await a.reports(for: messageId).first?.history.map(\.status) == [.accepted, .sent])
        }
        #expect(try await a.deadLetters().isEmpty)
        #expect(try await a.dueMessages(for: .partyAsync(herId: 2), now: later.addingTimeInterval(120), limit: 10, maxBytes: .max).isEmpty)
    }

    /// A batch still being sent renews its claims: a batch may outlast the lease (webhooks that
    /// run to their timeout), and another instance then sent its messages again.
    @Test func aBatchStillBeingSentKeepsItsClaims() async throws {
        let (a, b) = try await pair(lease: 1)
        let clock = Mutex(now)
        let registry = try await Examples.registryCache(importedInto: a, now: now)
        _ = try await a.commitIngress([.accept(message("m1", key: "k1", to: Examples.portal))], now: now)
        let transport = HeldTransport()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let dispatcher = Dispatcher(
            store: a, transport: transport, registry: registry, settings: HubSettings(herId: Examples.hub), logger: logger,
            clock: { clock.withLock { $0 } })
        let dispatching = Task { try await dispatcher.dispatchOnce() }
        defer {
            transport.release()
            dispatching.cancel()
        }
        var sending = transport.sending.makeAsyncIterator()
        #expect(await sending.next() == ["m1"])

        // Well past the first claim's lease; the positive signal of a renewal is a claim that
        // now lasts a lease from the later time.
        let later = now.addingTimeInterval(10)
        clock.withLock { $0 = later }
        let target = DeliveryTarget.partyAsync(herId: Examples.portal)
        let deadline = ContinuousClock.now + .seconds(20)
        while try await b.nextDueTime(for: target) != later.addingTimeInterval(1), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await b.nextDueTime(for: target) == later.addingTimeInterval(1))
        #expect(try await b.dueMessages(for: target, now: later.addingTimeInterval(0.5), limit: 10, maxBytes: .max).isEmpty)

        transport.release()
        #expect(try await dispatching.value == 1)
        #expect(try await b.reports(for: "m1").first?.history.map(\.status) == [.accepted, .sent])
    }

    /// A renewal touches only this instance's claims on pending messages: not the claim another
    /// instance took after this one's lapsed, nor a message that instance has sent since.
    @Test func aRenewalLeavesAnotherInstancesClaimAndASentMessageAlone() async throws {
        let (a, b) = try await pair(lease: 30)
        _ = try await a.commitIngress([.accept(message("m1", key: "k1"))], now: now)
        let target = DeliveryTarget.partyAsync(herId: 2)
        let claimedByA = try await a.dueMessages(for: target, now: now, limit: 10, maxBytes: .max)
        let later = now.addingTimeInterval(31)
        let claimedByB = try await b.dueMessages(for: target, now: later, limit: 10, maxBytes: .max)
        #expect(claimedByB.map(\.id) == claimedByA.map(\.id))

        try await a.renewClaims(claimedByA.map(\.id), now: later.addingTimeInterval(10))
        #expect(try await a.nextDueTime(for: target) == later.addingTimeInterval(30))
        #expect(try await a.dueMessages(for: target, now: later.addingTimeInterval(31), limit: 10, maxBytes: .max).map(\.messageId) == ["m1"])

        let latest = later.addingTimeInterval(32)
        try await a.recordDispatch([.sent(id: claimedByA[0].id)], now: latest)
        try await b.renewClaims(claimedByA.map(\.id), now: latest)
        #expect(try await b.nextDueTime(for: target) == nil)
        #expect(try await b.reports(for: "m1").first?.history.map(\.status) == [.accepted, .sent])
    }

    /// REST contract §1: a DPoP proof's `jti` is taken once within its window, at whichever
    /// instance; once the record has expired the `jti` may come again.
    @Test func aProofRecordedByOneInstanceIsAReplayAtAnother() async throws {
        let (a, b) = try await pair()
        let until = now.addingTimeInterval(60)
        #expect(try await a.recordProof("jti-1", until: until, now: now))
        #expect(try await !b.recordProof("jti-1", until: until, now: now.addingTimeInterval(30)))
        #expect(try await !a.recordProof("jti-1", until: until, now: now.addingTimeInterval(59)))
        #expect(try await b.recordProof("jti-2", until: until, now: now))
        let later = now.addingTimeInterval(61)
        #expect(try await b.recordProof("jti-1", until: later.addingTimeInterval(60), now: later))
        #expect(try await !a.recordProof("jti-1", until: later.addingTimeInterval(60), now: later))

        // Offered to both instances at once, twenty times over: taken once.
        let moment = now
        let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                let store = index.isMultiple(of: 2) ? a : b
                group.addTask { try await store.recordProof("jti-3", until: until, now: moment) }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(taken == 1)
    }

    /// Tells the test what it is given, and answers only once the test releases it.
    final class HeldTransport: OutboundTransport {
        let (sending, given) = AsyncStream<[String?]>.makeStream()
        private let state = Mutex<(released: Bool, waiting: CheckedContinuation<Void, Never>?)>((false, nil))

        /// For one batch: a second `send` while the first waits would strand the first.
        func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
            given.yield(batch.map(\.properties.messageId))
            await withCheckedContinuation { continuation in
                let go = state.withLock { state in
                    precondition(state.waiting == nil, "HeldTransport holds one batch at a time")
                    if !state.released { state.waiting = continuation }
                    return state.released
                }
                if go { continuation.resume() }
            }
            return batch.map { _ in .sent }
        }

        func release() {
            state.withLock { state in
                state.released = true
                defer { state.waiting = nil }
                return state.waiting
            }?.resume()
        }
    }

    /// Contract §2: AR sync runs on one instance at a time. A full sync is one lookup per 100
    /// parties; when another instance takes the lease during it (here: b, once a's hold ran out
    /// between two lookups), a stops before its next lookup and writes nothing.
    @Test func aFullRegistrySyncStopsWhenAnotherInstanceTakesItsLease() async throws {
        let (a, b) = try await pair()
        let clock = Mutex(now)
        let ar = FakeAddressRegister(parties: 250)
        let sync = RegistrySync(
            store: a, client: ar, settings: RegistrySyncSettings(pollInterval: 60, maxEvents: 1000),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), clock: { clock.withLock { $0 } })
        let start = now
        ar.beforeBatch.withLock {
            $0 = { batch in
                guard batch == 2 else { return }
                // a's hold (180 s) runs out, b takes the job over, and a looks again later.
                let taken = try await b.holdLease(.registrySync, for: 180, now: start.addingTimeInterval(200))
                #expect(taken)
                clock.withLock { $0 = start.addingTimeInterval(300) }
            }
        }
        await #expect(throws: RegistrySyncError.self) { try await sync.syncOnce() }
        #expect(ar.batchSizes == [100, 100], "a stopped before a third lookup")
        #expect(try await a.registrySyncPosition() == nil, "a wrote nothing")
    }

    @Test func aBatchTooLargeForItsBytesLeavesTheRestUnclaimed() async throws {
        let (a, b) = try await pair()
        _ = try await a.commitIngress([.accept(message("m1", key: "k1")), .accept(message("m2", key: "k2"))], now: now)
        let first = try await a.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10, maxBytes: 1)
        #expect(first.map(\.messageId) == ["m1"])
        #expect(try await b.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10, maxBytes: .max).map(\.messageId) == ["m2"])
    }

    @Test func aSingletonMovesWhenItsHolderStopsRenewing() async throws {
        let (a, b) = try await pair()
        #expect(try await a.holdLease(.retention, for: 10, now: now))
        #expect(try await !b.holdLease(.retention, for: 10, now: now.addingTimeInterval(5)))
        #expect(try await a.holdLease(.retention, for: 10, now: now.addingTimeInterval(8)), "the holder renews")
        #expect(try await !b.holdLease(.retention, for: 10, now: now.addingTimeInterval(17)))
        // a stopped renewing at +8: its lease ends at +18.
        #expect(try await b.holdLease(.retention, for: 10, now: now.addingTimeInterval(19)))
        #expect(try await !a.holdLease(.retention, for: 10, now: now.addingTimeInterval(20)))
        // Other jobs are leased on their own.
        #expect(try await a.holdLease(.conversations, for: 10, now: now.addingTimeInterval(20)))
        // A clean shutdown hands over at once.
        try await b.releaseLeases()
        #expect(try await a.holdLease(.retention, for: 10, now: now.addingTimeInterval(21)))
    }

    /// What a job's loop sees: the holder renews once a third of its lease has passed, and
    /// another instance takes the job only once the holder has stopped renewing for a lease.
    @Test func aFleetLeaseRenewsBeforeItEndsAndMovesOnlyWhenItsHolderStops() async throws {
        let (a, b) = try await pair()
        let holder = FleetLease(.conversations, length: 30, store: a)
        let other = FleetLease(.conversations, length: 30, store: b)
        #expect(try await holder.isHeld(now: now))
        #expect(try await !other.isHeld(now: now.addingTimeInterval(1)))
        #expect(try await holder.isHeld(now: now.addingTimeInterval(11)), "renewed: held until +41")
        #expect(try await !other.isHeld(now: now.addingTimeInterval(32)), "the renewal keeps the other off past +30")
        // The holder stops at +11: the other takes over once +41 has passed and it asks again.
        #expect(try await !other.isHeld(now: now.addingTimeInterval(40)))
        #expect(try await other.isHeld(now: now.addingTimeInterval(52)))
        #expect(try await !holder.isHeld(now: now.addingTimeInterval(53)))
    }

    /// A job's loop does its work only while its instance holds the job: here the answer
    /// deadlines, one round of `ConversationWatch.run` on instance a.
    @Test func aJobRunsOnlyOnTheInstanceHoldingItsLease() async throws {
        let (a, b) = try await pair()
        var request = message("request", key: "request-1")
        request.conversation = ConversationLink(
            refToParent: nil, refToConversation: nil, opening: .init(conversationId: "c1", answerWithin: 60))
        _ = try await a.commitIngress([.accept(request)], now: now)
        let later = now.addingTimeInterval(120)
        func oneRound() async {
            let watch = ConversationWatch(
                store: a, settings: HubSettings(herId: 7), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                clock: { later })
            let wake = WakeSignal()
            wake.signal()
            let looks = Mutex(0)
            await watch.run(wake: wake, shouldStop: { looks.withLock { looks in looks += 1; return looks > 1 } })
        }
        #expect(try await b.holdLease(.conversations, for: 600, now: later))
        await oneRound()
        #expect(try await a.conversations(involving: nil, state: .overdue).isEmpty, "b holds the job")
        try await b.releaseLeases()
        await oneRound()
        #expect(try await a.conversations(involving: nil, state: .overdue).map(\.conversationId) == ["c1"])
    }

    @Test func oneKeySubmittedFortyTimesOverTwoInstancesIsAcceptedOnce() async throws {
        let (a, b) = try await pair()
        let outcomes = try await withThrowingTaskGroup(of: [IngressOutcome].self) { group in
            for index in 0..<40 {
                let store = index.isMultiple(of: 2) ? a : b
                let submission = message("copy-\(index)", key: "the-one")
                group.addTask { try await store.commitIngress([.accept(submission)], now: self.now) }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let accepted = outcomes.filter { if case .accepted = $0 { true } else { false } }
        #expect(accepted.count == 1)
        #expect(outcomes.filter { $0 == .duplicate }.count == 39)
        #expect(try await a.pendingCount() == 1)
    }

    /// A reader following notification offsets while two instances write must see every
    /// notification: positions become visible in the order they were handed out.
    @Test func notificationOffsetsStayIncreasingWithTwoWriters() async throws {
        let (a, b) = try await pair()
        let perWriter = 60
        let reader = Task { () -> [Int64] in
            var seen: [Int64] = []
            var offset: Int64 = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while seen.count < 2 * perWriter && ContinuousClock.now < deadline {
                let batch = try await a.notifications(for: [2], after: offset, limit: 1000)
                seen += batch.map(\.offset)
                offset = batch.last?.offset ?? offset
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (name, store) in [("a", a), ("b", b)] {
                group.addTask {
                    for index in 0..<perWriter {
                        let outcome = try await store.commitIngress(
                            [.accept(self.message("\(name)-\(index)", key: "\(name)-\(index)"))], now: self.now)
                        guard case .accepted(let id, _) = outcome.first else { throw Unexpected(outcome: outcome) }
                        try await store.recordDispatch([.madeAvailable(id: id)], now: self.now)
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen.count == 2 * perWriter, "the reader missed \(2 * perWriter - seen.count) notifications")
        #expect(seen == seen.sorted() && Set(seen).count == seen.count)
    }

    /// Contract §2: a live reader on one instance (an SSE stream) learns of another instance's
    /// commit within a second, through LISTEN/NOTIFY, and then reads it.
    @Test func anotherInstancesCommitReachesLiveReadersWithinASecond() async throws {
        let (a, b) = try await pair()
        // The listener bumps once when it starts listening: the positive signal that it is up.
        let deadline = ContinuousClock.now + .seconds(20)
        while b.changes.version == 0 && ContinuousClock.now < deadline {
            await b.changes.wait(after: 0, timeout: .milliseconds(200))
        }
        try #require(b.changes.version > 0, "instance b never started listening")
        let seen = b.changes.version
        let outcome = try await a.commitIngress([.accept(message("live", key: "live"))], now: now)
        guard case .accepted(let id, _) = outcome.first else { throw Unexpected(outcome: outcome) }
        try await a.recordDispatch([.madeAvailable(id: id)], now: now)
        let started = ContinuousClock.now
        await b.changes.wait(after: seen, timeout: .seconds(1))
        #expect(b.changes.version > seen, "instance b heard nothing within a second")
        #expect(ContinuousClock.now - started < .seconds(1))
        let notifications = try await b.notifications(for: [2], after: 0, limit: 10)
        #expect(notifications.map(\.relatedMessageId).contains("live"))
    }

    struct Unexpected: Error {
        var outcome: [IngressOutcome]
    }
}

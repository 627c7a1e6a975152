import AddressRegistry
import Foundation
import GRDB
@testable import Hub
import Testing

@Suite struct HubStoreTests {
    let store: any HubStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
    }

    func message(_ messageId: String, key: String? = "msg-1", from: Int = 1, to: Int = 2,
                 correlation: ReceiptCorrelation? = nil, msgId: String? = "msg-1") -> NewMessage {
        NewMessage(
            messageId: messageId, kind: .dialog, fromHerId: from, toHerId: to, messageFunction: "F", msgId: msgId,
            target: .partyAsync(herId: to), properties: MessageProperties(messageId: messageId, headers: ["a": "b"]),
            body: Array("<x/>".utf8), expiresAt: now.addingTimeInterval(60),
            duplicateKey: key.map { DuplicateKey(senderHerId: from, key: $0) }, correlation: correlation)
    }

    @Test(arguments: StoreBackend.allCases)
    static func acceptedMessagesAreDueAtOnceWithTheirHistory(_ backend: StoreBackend) async throws { try await Self(backend).acceptedMessagesAreDueAtOnceWithTheirHistory() }
    func acceptedMessagesAreDueAtOnceWithTheirHistory() async throws {
        let outcomes = try await store.commitIngress([.accept(message("m1"))], now: now)
        guard case .accepted(let id, nil) = outcomes.first else {
            Issue.record("not accepted: \(outcomes)")
            return
        }
        let due = try await store.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10)
        #expect(due.map(\.id) == [id])
        #expect(due.first?.properties.headers == ["a": "b"])
        #expect(due.first?.body == Array("<x/>".utf8))
        #expect(due.first?.target == .partyAsync(herId: 2))
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted])
    }

    /// A batch of acceptances is written in one go (PostgreSQL inserts the lot in one
    /// statement): every column reads back as it went in, absent values included, and the ids
    /// follow the batch's order.
    @Test(arguments: StoreBackend.allCases)
    static func aBatchOfAcceptancesReadsBackAsItWentIn(_ backend: StoreBackend) async throws { try await Self(backend).aBatchOfAcceptancesReadsBackAsItWentIn() }
    func aBatchOfAcceptancesReadsBackAsItWentIn() async throws {
        let plain = message("m1")
        let bare = NewMessage(
            messageId: "m2", kind: .errorNotice, fromHerId: nil, toHerId: nil, messageFunction: nil, msgId: nil,
            target: .queue("q.one"), properties: MessageProperties(messageId: "m2"), body: [0, 1, 2, 255],
            expiresAt: now.addingTimeInterval(120), origin: .rest)
        let toError = NewMessage(
            messageId: "m3", kind: .appRec, fromHerId: 7, toHerId: 8, messageFunction: "APPREC", msgId: "a-3",
            target: .partyError(herId: 8), properties: MessageProperties(messageId: "m3", headers: ["x": "y"]),
            body: Array("<a/>".utf8), expiresAt: now.addingTimeInterval(30),
            duplicateKey: DuplicateKey(senderHerId: 7, key: "msg:a-3"))
        let outcomes = try await store.commitIngress([.accept(plain), .accept(bare), .accept(toError)], now: now)
        let ids = outcomes.compactMap { outcome -> Int64? in
            if case .accepted(let id, _) = outcome { id } else { nil }
        }
        #expect(ids.count == 3)
        #expect(ids == ids.sorted())
        for (sent, id) in zip([plain, bare, toError], ids) {
            let due = try await store.dueMessages(for: sent.target, now: now, limit: 10)
            #expect(due.map(\.id) == [id])
            guard let read = due.first else { continue }
            #expect(read.messageId == sent.messageId)
            #expect(read.kind == sent.kind)
            #expect(read.fromHerId == sent.fromHerId)
            #expect(read.toHerId == sent.toHerId)
            #expect(read.messageFunction == sent.messageFunction)
            #expect(read.properties == sent.properties)
            #expect(read.body == sent.body)
            #expect(read.expiresAt == sent.expiresAt)
            #expect(read.origin == sent.origin)
            #expect(try await store.reports(for: sent.messageId).first?.history.map(\.status) == [.accepted])
        }
        // The MsgId went in: the same key again is a duplicate.
        #expect(try await store.commitIngress([.accept(toError), .accept(plain)], now: now) == [.duplicate, .duplicate])
    }

    /// What ingress hands to the dispatcher in memory (`CommitHandOff`) is the message as the
    /// store reads it back.
    @Test(arguments: StoreBackend.allCases)
    static func aCommittedMessageInMemoryIsWhatTheStoreReadsBack(_ backend: StoreBackend) async throws { try await Self(backend).aCommittedMessageInMemoryIsWhatTheStoreReadsBack() }
    func aCommittedMessageInMemoryIsWhatTheStoreReadsBack() async throws {
        let sent = NewMessage(
            messageId: "m1", kind: .appRec, fromHerId: 7, toHerId: 8, messageFunction: "APPREC", msgId: "a-1",
            target: .partyError(herId: 8), properties: MessageProperties(messageId: "m1", type: "t", headers: ["x": "y"]),
            body: Array("<a/>".utf8), expiresAt: now.addingTimeInterval(30), origin: .rest)
        guard case .accepted(let id, _) = try await store.commitIngress([.accept(sent)], now: now).first else {
            Issue.record("not accepted")
            return
        }
        let held = DueMessage(committed: sent, id: id, acceptedAt: now)
        let read = try #require(try await store.dueMessages(for: sent.target, now: now, limit: 10).first)
        #expect(held.id == read.id)
        #expect(held.messageId == read.messageId)
        #expect(held.kind == read.kind)
        #expect(held.fromHerId == read.fromHerId)
        #expect(held.toHerId == read.toHerId)
        #expect(held.messageFunction == read.messageFunction)
        #expect(held.target == read.target)
        #expect(held.properties == read.properties)
        #expect(held.body == read.body)
        #expect(held.attempts == read.attempts)
        #expect(held.acceptedAt == read.acceptedAt)
        #expect(held.expiresAt == read.expiresAt)
        #expect(held.origin == read.origin)
        #expect(read.damage == nil)
    }

    /// A look for work passes over the messages the dispatcher holds in memory, and fills its
    /// batch from the others.
    @Test(arguments: StoreBackend.allCases)
    static func aLookForWorkPassesOverTheMessagesHeldInMemory(_ backend: StoreBackend) async throws { try await Self(backend).aLookForWorkPassesOverTheMessagesHeldInMemory() }
    func aLookForWorkPassesOverTheMessagesHeldInMemory() async throws {
        let outcomes = try await store.commitIngress([
            .accept(message("a1", key: "k1")), .accept(message("a2", key: "k2")), .accept(message("a3", key: "k3")),
        ], now: now)
        let ids = outcomes.compactMap { outcome -> Int64? in
            if case .accepted(let id, _) = outcome { id } else { nil }
        }
        #expect(ids.count == 3)
        let batch = try await store.collectDue(afterId: 0, now: now, limit: 2, maxBytes: .max, skipping: [ids[0]]) { targets, _ in
            Array(targets)
        }
        #expect(batch.messages.map(\.id) == [ids[1], ids[2]])
    }

    @Test(arguments: StoreBackend.allCases)
    static func duplicatesAreDroppedEvenWithinOneBatch(_ backend: StoreBackend) async throws { try await Self(backend).duplicatesAreDroppedEvenWithinOneBatch() }
    func duplicatesAreDroppedEvenWithinOneBatch() async throws {
        let outcomes = try await store.commitIngress([.accept(message("m1")), .accept(message("m2"))], now: now)
        #expect(outcomes.last == .duplicate)
        #expect(try await store.commitIngress([.accept(message("m3"))], now: now) == [.duplicate])
        // Same MsgId from another sender is not a duplicate.
        #expect(try await store.commitIngress([.accept(message("m4", from: 9))], now: now).first != .duplicate)
        #expect(try await store.reports(for: "m2").isEmpty)
    }

    /// An accepted MsgHead's key counts while its message is kept, and for its duplicate window
    /// in any case (SQLite keeps no separate key while the message row holds it; a row pruned
    /// inside the window leaves its key behind).
    @Test(arguments: StoreBackend.allCases)
    static func anAcceptedMessageIsADuplicateWhileKeptAndWithinItsWindow(_ backend: StoreBackend) async throws { try await Self(backend).anAcceptedMessageIsADuplicateWhileKeptAndWithinItsWindow() }
    func anAcceptedMessageIsADuplicateWhileKeptAndWithinItsWindow() async throws {
        func accepted(_ messageId: String, _ msgId: String) -> NewMessage {
            var accepted = message(messageId, key: nil, msgId: msgId)
            accepted.duplicateKey = .accepted(senderHerId: 1, msgId: msgId)
            return accepted
        }
        func sendAll() async throws {
            let due = try await store.dueMessages(for: .partyAsync(herId: 2), now: now.addingTimeInterval(1000), limit: 10)
            try await store.recordDispatch(due.map { .sent(id: $0.id) }, now: now)
        }
        #expect(try await store.commitIngress([.accept(accepted("m1", "early"))], now: now).first != .duplicate)
        #expect(try await store.commitIngress([.accept(accepted("m2", "late"))], now: now.addingTimeInterval(100)).first != .duplicate)
        try await sendAll()
        if let sqlite = store as? SQLiteStore {
            #expect(try await sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM duplicate_key") } == 0)
        }
        // The earlier one's window is over, but its message is kept: still a duplicate.
        try await store.prune(duplicateKeysBefore: now.addingTimeInterval(50), messagesBefore: now)
        #expect(try await store.commitIngress([.accept(accepted("m3", "early")), .accept(accepted("m4", "late"))], now: now.addingTimeInterval(300))
            == [.duplicate, .duplicate])
        // Both messages pruned; the later one's window is still open.
        try await store.prune(duplicateKeysBefore: now.addingTimeInterval(50), messagesBefore: now.addingTimeInterval(200))
        #expect(try await store.reports(for: "m2").isEmpty)
        let again = try await store.commitIngress(
            [.accept(accepted("m5", "early")), .accept(accepted("m6", "late"))], now: now.addingTimeInterval(300))
        #expect(again.first != .duplicate)
        #expect(again.last == .duplicate)
    }

    @Test(arguments: StoreBackend.allCases)
    static func dispatchOutcomesMoveStateAndHistory(_ backend: StoreBackend) async throws { try await Self(backend).dispatchOutcomesMoveStateAndHistory() }
    func dispatchOutcomesMoveStateAndHistory() async throws {
        _ = try await store.commitIngress([.accept(message("m1")), .accept(message("m2", key: "msg-2"))], now: now)
        let due = try await store.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10)
        try await store.recordDispatch([
            .sent(id: due[0].id),
            .retry(id: due[1].id, error: "queue full", nextAttempt: now.addingTimeInterval(5)),
        ], now: now)
        #expect(try await store.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10).isEmpty)
        #expect(try await store.nextDueTime(for: .partyAsync(herId: 2)) == now.addingTimeInterval(5))
        let retried = try #require(try await store.reports(for: "m2").first)
        #expect(retried.attempts == 1)
        #expect(retried.lastError == "queue full")
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted, .sent])
    }

    @Test(arguments: StoreBackend.allCases)
    static func givingUpMakesADeadLetterAndItsCopy(_ backend: StoreBackend) async throws { try await Self(backend).givingUpMakesADeadLetterAndItsCopy() }
    func givingUpMakesADeadLetterAndItsCopy() async throws {
        _ = try await store.commitIngress([.accept(message("m1"))], now: now)
        let due = try #require(try await store.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 1).first)
        let draft = DeadLetterDraft(
            storedMessage: due.id, messageId: "m1", fromHerId: "1", toHerId: "2", messageFunction: "F",
            reason: "not sent before its expiry", properties: due.properties, body: due.body)
        try await store.recordDispatch([.givenUp(id: due.id, status: .expired, reason: draft.reason, deadLetter: draft, notice: nil)], now: now)
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted, .expired])
        #expect(try await store.deadLetters().map(\.reason) == ["not sent before its expiry"])
        let letter = try #require(try await store.deadLetters().first)
        #expect(try await store.replayDeadLetter(letter.id, expiry: 60, submitQueue: "submit", now: now) == .redispatched(messageId: "m1"))
        let replayed = try #require(try await store.reports(for: "m1").first)
        #expect(replayed.state == "pending")
        #expect(replayed.attempts == 0)
        #expect(replayed.expiresAt == now.addingTimeInterval(60))
        let copy = try #require(try await store.dueMessages(for: .queue("test.dead"), now: now, limit: 10).first)
        #expect(copy.kind == .deadLetterCopy)
        #expect(copy.target == .queue("test.dead"))
        #expect(copy.properties.headers[HeaderName.deadLetterReason] == "not sent before its expiry")
    }

    @Test(arguments: StoreBackend.allCases)
    static func receiptsMoveTheirOriginalsStatus(_ backend: StoreBackend) async throws { try await Self(backend).receiptsMoveTheirOriginalsStatus() }
    func receiptsMoveTheirOriginalsStatus() async throws {
        _ = try await store.commitIngress([.accept(message("m1"))], now: now)
        let receipt = message(
            "r1", key: "rec-1", from: 2, to: 1,
            correlation: .appRec(originalMsgId: "msg-1", originalSender: 1, originalReceiver: 2, status: .acknowledgedWithErrors),
            msgId: "rec-1")
        let outcomes = try await store.commitIngress([.accept(receipt)], now: now.addingTimeInterval(1))
        guard case .accepted(_, let correlated) = outcomes.first else { Issue.record("\(outcomes)"); return }
        #expect(correlated == true)
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted, .acknowledgedWithErrors])

        let unknown = message(
            "r2", key: "rec-2", from: 2, to: 1,
            correlation: .appRec(originalMsgId: "nope", originalSender: 1, originalReceiver: 2, status: .acknowledged),
            msgId: "rec-2")
        guard case .accepted(_, let found) = try await store.commitIngress([.accept(unknown)], now: now).first else {
            Issue.record("unknown original's receipt was not accepted")
            return
        }
        #expect(found == false)
    }

    @Test(arguments: StoreBackend.allCases)
    static func registryImportReplacesAtomicallyAndBumpsTheVersion(_ backend: StoreBackend) async throws { try await Self(backend).registryImportReplacesAtomicallyAndBumpsTheVersion() }
    func registryImportReplacesAtomicallyAndBumpsTheVersion() async throws {
        #expect(try await store.registryVersion() == 0)
        let first = try RegistryFile.parse(Data(#"[{"HerId": 1, "Name": "a"}, {"HerId": 2, "Name": "b"}]"#.utf8))
        try await store.replaceRegistry(first, source: "one", now: now)
        let second = try RegistryFile.parse(Data(#"[{"HerId": 3, "Name": "c"}]"#.utf8))
        try await store.replaceRegistry(second, source: "two", now: now)
        let (version, registry) = try await store.loadRegistry(at: now)
        #expect(version == 2)
        #expect(registry.allParties.map(\.herId) == [3])
        #expect(try await store.partyProvenance(herId: 3) == PartyProvenance(origin: .file("two"), at: now))
    }

    @Test(arguments: [StoreBackend.sqlite])
    static func storeSurvivesReopening(_ backend: StoreBackend) async throws { try await Self(backend).storeSurvivesReopening() }
    func storeSurvivesReopening() async throws {
        _ = try await store.commitIngress([.accept(message("m1"))], now: now)
        let reopened = try SQLiteStore(path: try #require(store as? SQLiteStore).path)
        #expect(try await reopened.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10).count == 1)
    }

    /// New stores get 16 KiB pages (see `SQLiteStore.init`); a store made with SQLite's default
    /// 4 KiB keeps them, since a page size cannot change under WAL without rewriting the file.
    @Test(arguments: [StoreBackend.sqlite])
    static func newStoresHaveLargePagesAndOldOnesKeepTheirs(_ backend: StoreBackend) async throws { try await Self(backend).newStoresHaveLargePagesAndOldOnesKeepTheirs() }
    func newStoresHaveLargePagesAndOldOnesKeepTheirs() async throws {
        let sqlite = try #require(store as? SQLiteStore)
        #expect(try await sqlite.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 16384)

        let old = URL(fileURLWithPath: sqlite.path).deletingLastPathComponent().appendingPathComponent("hubd-old-\(UUID().uuidString).sqlite").path
        let made = try DatabaseQueue(path: old)
        try await made.write { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE leftover (x INTEGER)")
        }
        try made.close()
        let reopened = try SQLiteStore(path: old)
        _ = try await reopened.commitIngress([.accept(message("m1"))], now: now)
        #expect(try await reopened.pool.read { try Int.fetchOne($0, sql: "PRAGMA page_size") } == 4096)
        #expect(try await reopened.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10).count == 1)
    }

    /// Recording that messages went out to AMQP senders' receivers commits without waiting for
    /// the disk; everything else, and every write after such a one, waits (`CommitSync`).
    @Test(arguments: [StoreBackend.sqlite])
    static func onlyQuietDispatchOutcomesDeferTheirSync(_ backend: StoreBackend) async throws { try await Self(backend).onlyQuietDispatchOutcomesDeferTheirSync() }
    func onlyQuietDispatchOutcomesDeferTheirSync() async throws {
        let sqlite = try #require(store as? SQLiteStore)
        let quiet: [DispatchResult] = [
            .sent(id: 1, restSender: false), .retry(id: 2, error: "nack", nextAttempt: now),
        ]
        #expect(SQLiteStore.commitSync(for: quiet) == .deferred)
        for told: DispatchResult in [
            .sent(id: 1), .sent(id: 1, restSender: true), .sent(id: 1, announced: true, restSender: false),
            .madeAvailable(id: 1),
            .givenUp(id: 1, status: .expired, reason: "expired", deadLetter: nil, notice: nil),
        ] {
            #expect(SQLiteStore.commitSync(for: quiet + [told]) == .full, "\(told)")
        }

        let level = { @Sendable (db: Database) in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(try await sqlite.write("probe", sync: .deferred, level) == 1)
        #expect(try await sqlite.write("probe", level) == 2)
        _ = try await store.commitIngress([.accept(message("m1"))], now: now)
        #expect(try await sqlite.pool.writeWithoutTransaction(level) == 2)
    }

    /// `accepted` comes from the message's row; a store written before that keeps an `accepted`
    /// row in `status` as well, and its history still says it once.
    @Test(arguments: [StoreBackend.sqlite])
    static func acceptedIsTakenFromTheRowAndSaidOnce(_ backend: StoreBackend) async throws { try await Self(backend).acceptedIsTakenFromTheRowAndSaidOnce() }
    func acceptedIsTakenFromTheRowAndSaidOnce() async throws {
        let sqlite = try #require(store as? SQLiteStore)
        let outcomes = try await store.commitIngress([.accept(message("m1")), .accept(message("m2", key: "msg-2", msgId: "msg-2"))], now: now)
        let ids = outcomes.compactMap { outcome -> Int64? in if case .accepted(let id, _) = outcome { id } else { nil } }
        #expect(ids.count == 2)
        #expect(try await sqlite.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM status") } == 0)
        try await sqlite.pool.write { db in
            try db.execute(sql: "INSERT INTO status (message, status, at) VALUES (?, 'accepted', ?)",
                           arguments: [ids[1], now.timeIntervalSince1970])
        }
        try await store.recordDispatch([.sent(id: ids[1], restSender: false)], now: now.addingTimeInterval(1))
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted])
        let history = try #require(try await store.reports(for: "m2").first?.history)
        #expect(history.map(\.status) == [.accepted, .sent])
        #expect(history.map(\.at) == [now, now.addingTimeInterval(1)])
    }

    /// `sent` is kept in the message's row, at the time it was first sent, and takes its place
    /// in time order (after `expired` of the same instant, before the rest); a message first sent before that
    /// keeps its `sent` row in `status`, and its history still says it once.
    @Test(arguments: [StoreBackend.sqlite])
    static func sentIsTakenFromTheRowAndSaidOnce(_ backend: StoreBackend) async throws { try await Self(backend).sentIsTakenFromTheRowAndSaidOnce() }
    func sentIsTakenFromTheRowAndSaidOnce() async throws {
        let sqlite = try #require(store as? SQLiteStore)
        let outcomes = try await store.commitIngress([.accept(message("m1")), .accept(message("m2", key: "msg-2", msgId: "msg-2"))], now: now)
        let ids = outcomes.compactMap { outcome -> Int64? in if case .accepted(let id, _) = outcome { id } else { nil } }
        #expect(ids.count == 2)
        let later: @Sendable (Double) -> Date = { [now] seconds in now.addingTimeInterval(seconds) }
        try await store.recordDispatch([.sent(id: ids[0], restSender: false)], now: later(2))
        #expect(try await sqlite.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM status") } == 0)
        try await sqlite.pool.write { db in
            // m1 had expired (at the instant it was then sent: a replay), and was delivered at
            // that instant and acknowledged after; m2 was sent before the migration.
            for (status, seconds) in [("rejected", 1.0), ("expired", 2), ("delivered", 2), ("acknowledged", 3)] {
                try db.execute(sql: "INSERT INTO status (message, status, at) VALUES (?, ?, ?)",
                               arguments: [ids[0], status, later(seconds).timeIntervalSince1970])
            }
            try db.execute(sql: "INSERT INTO status (message, status, at) VALUES (?, 'sent', ?)",
                           arguments: [ids[1], later(1).timeIntervalSince1970])
            try db.execute(sql: "UPDATE message SET state = 'pending' WHERE id IN (?, ?)", arguments: [ids[0], ids[1]])
        }
        // Both sent again (as after a return through gateway mode): the first time stays.
        try await store.recordDispatch([.sent(id: ids[0], restSender: false), .sent(id: ids[1], restSender: false)], now: later(5))
        let first = try #require(try await store.reports(for: "m1").first?.history)
        #expect(first.map(\.status) == [.accepted, .rejected, .expired, .sent, .delivered, .acknowledged])
        #expect(first.map(\.at) == [now, later(1), later(2), later(2), later(2), later(3)])
        let second = try #require(try await store.reports(for: "m2").first?.history)
        #expect(second.map(\.status) == [.accepted, .sent])
        #expect(second.map(\.at) == [now, later(1)])
        #expect(try await store.storedMessages(messageId: "m2").first?.history == second)
    }

    @Test(arguments: StoreBackend.allCases)
    static func lanesSeparateTargets(_ backend: StoreBackend) async throws { try await Self(backend).lanesSeparateTargets() }
    func lanesSeparateTargets() async throws {
        _ = try await store.commitIngress([
            .accept(message("a1", key: "k1", to: 2)), .accept(message("b1", key: "k2", to: 3)),
            .accept(message("a2", key: "k3", to: 2)),
        ], now: now)
        let all = try await store.pendingTargets(afterId: 0)
        #expect(all.targets == [.partyAsync(herId: 2), .partyAsync(herId: 3)])
        // Nothing new: no targets (PostgreSQL reads back a window of ids, so it repeats known ones).
        let since = try await store.pendingTargets(afterId: all.highestId)
        #expect(store is SQLiteStore ? since.targets.isEmpty : since.targets == all.targets)
        #expect(since.highestId == all.highestId)
        let lane = try await store.dueMessages(for: .partyAsync(herId: 2), now: now, limit: 10)
        #expect(lane.map(\.messageId) == ["a1", "a2"])
        #expect(try await store.dueMessages(for: .partyAsync(herId: 2), now: now.addingTimeInterval(-1), limit: 10).isEmpty)
        #expect(try await store.nextDueTime(for: .partyAsync(herId: 3)) == now)
        #expect(try await store.nextDueTime(for: .queue("nothing")) == nil)
    }
}

import AddressRegistry
import Foundation
import GRDB
@testable import Hub
import Testing

/// The store's answers to what the hostile-input campaign and the review found: duplicates
/// checked first, errors that say whether a retry can help, dead letters pruned, a damaged
/// registry copy surfaced.
@Suite struct HubStoreHardeningTests {
    let store: any HubStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
    }

    /// The SQLite store, for the cases that reach into its file.
    func sqlite() throws -> SQLiteStore {
        try #require(store as? SQLiteStore)
    }

    func message(_ messageId: String, key: String = "msg-1", from: Int = 1, to: Int = 2) -> NewMessage {
        NewMessage(
            messageId: messageId, kind: .dialog, fromHerId: from, toHerId: to, messageFunction: "F", msgId: key,
            target: .partyAsync(herId: to), properties: MessageProperties(messageId: messageId),
            body: Array("<x/>".utf8), expiresAt: now.addingTimeInterval(60),
            duplicateKey: DuplicateKey(senderHerId: from, key: key))
    }

    func draft(_ messageId: String, reason: String = "sender 9 is not in the registry") -> DeadLetterDraft {
        DeadLetterDraft(
            messageId: messageId, fromHerId: "9", toHerId: "2", messageFunction: "F", reason: reason,
            properties: MessageProperties(messageId: messageId), body: [])
    }

    /// A redelivery after a registry change must not be answered when it was accepted before.
    @Test(arguments: StoreBackend.allCases)
    static func aKeyAcceptedBeforeMakesAnyLaterDecisionADuplicate(_ backend: StoreBackend) async throws { try await Self(backend).aKeyAcceptedBeforeMakesAnyLaterDecisionADuplicate() }
    func aKeyAcceptedBeforeMakesAnyLaterDecisionADuplicate() async throws {
        _ = try await store.commitIngress([.accept(message("m1"))], now: now)
        let key = DuplicateKey(senderHerId: 1, key: "msg-1")
        let notice = ErrorMessageFactory(hubHerId: 7, expiry: 60).notice(
            for: .init(messageId: "m1", fromHerId: 1, toHerId: 2, messageFunction: "F"),
            rejection: Rejection(.invalidFieldValue, "Receiver 2 is not a valid communication party"), now: now)
        let outcomes = try await store.commitIngress([
            .reject(Rejection(.invalidFieldValue, "x"), notice: notice, acceptedKey: key),
            .deadLetter(draft("m1"), acceptedKey: key),
        ], now: now)
        #expect(outcomes == [.duplicate, .duplicate])
        #expect(try await store.dueMessages(for: .partyError(herId: 1), now: now, limit: 10).isEmpty)
        #expect(try await store.deadLetters().isEmpty)
        // A key not accepted before changes nothing.
        let other = DuplicateKey(senderHerId: 1, key: "msg-2")
        #expect(try await store.commitIngress([.deadLetter(draft("m2"), acceptedKey: other)], now: now) == [.deadLettered])
    }

    @Test(arguments: [StoreBackend.sqlite])
    static func aRowTheDatabaseRefusesIsAPermanentErrorWithItsCode(_ backend: StoreBackend) async throws { try await Self(backend).aRowTheDatabaseRefusesIsAPermanentErrorWithItsCode() }
    func aRowTheDatabaseRefusesIsAPermanentErrorWithItsCode() async throws {
        try await sqlite().pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON message WHEN NEW.message_id = 'poison'
                BEGIN SELECT RAISE(ABORT, 'poisoned row'); END
                """)
        }
        do {
            _ = try await store.commitIngress([.accept(message("fine", key: "k1")), .accept(message("poison", key: "k2"))], now: now)
            Issue.record("the poisoned batch was committed")
        } catch {
            #expect(error.kind == .permanent)
            let failure = try #require(error.underlying as? SQLiteFailure)
            #expect(failure.code == .SQLITE_CONSTRAINT_TRIGGER)
            #expect(failure.message == "poisoned row")
        }
        // Nothing of the batch was kept.
        #expect(try await store.reports(for: "fine").isEmpty)
    }

    @Test(arguments: [StoreBackend.sqlite])
    static func dataAStoreCannotReadBackIsPermanent(_ backend: StoreBackend) async throws { try await Self(backend).dataAStoreCannotReadBackIsPermanent() }
    func dataAStoreCannotReadBackIsPermanent() async throws {
        #expect(SQLiteStore.storeError("x", CorruptRecord("bad")).kind == .permanent)
        let full = DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full")
        #expect(SQLiteStore.storeError("x", full).kind == .transient)
        let ioError = DatabaseError(resultCode: .SQLITE_IOERR_WRITE)
        #expect(SQLiteStore.storeError("x", ioError).kind == .transient)
        let constraint = DatabaseError(resultCode: .SQLITE_CONSTRAINT_NOTNULL)
        #expect(SQLiteStore.storeError("x", constraint).kind == .permanent)
    }

    @Test(arguments: StoreBackend.allCases)
    static func deadLettersArePrunedWithTheMessageRetentionReplayedOrNot(_ backend: StoreBackend) async throws { try await Self(backend).deadLettersArePrunedWithTheMessageRetentionReplayedOrNot() }
    func deadLettersArePrunedWithTheMessageRetentionReplayedOrNot() async throws {
        _ = try await store.commitIngress([.deadLetter(draft("old-1"), acceptedKey: nil), .deadLetter(draft("old-2"), acceptedKey: nil)], now: now)
        let replayed = try #require(try await store.deadLetters().first)
        _ = try await store.replayDeadLetter(replayed.id, expiry: 60, submitQueue: "submit", now: now)
        let later = now.addingTimeInterval(3600)
        _ = try await store.commitIngress([.deadLetter(draft("new"), acceptedKey: nil)], now: later)

        let removed = try await store.prune(duplicateKeysBefore: now, messagesBefore: now.addingTimeInterval(1))
        #expect(removed >= 2)
        #expect(try await store.deadLetters().map(\.messageId) == ["new"])
        #expect(try await store.pendingDeadLetterIds().count == 1)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aDeadLetterReasonIsMaskedWhereverItIsShown(_ backend: StoreBackend) async throws { try await Self(backend).aDeadLetterReasonIsMaskedWhereverItIsShown() }
    func aDeadLetterReasonIsMaskedWhereverItIsShown() async throws {
        _ = try await store.commitIngress([.deadLetter(draft("m1", reason: "sender 20835622828 is not in the registry"), acceptedKey: nil)], now: now)
        #expect(try await store.deadLetters().first?.reason == "sender *********** is not in the registry")
        let copy = try #require(try await store.dueMessages(for: .queue("test.dead"), now: now, limit: 1).first)
        #expect(copy.properties.headers[HeaderName.deadLetterReason] == "sender *********** is not in the registry")
    }

    @Test(arguments: [StoreBackend.sqlite])
    static func aStoredPartyThatNoLongerReadsFailsTheRegistryLoadNamingIt(_ backend: StoreBackend) async throws { try await Self(backend).aStoredPartyThatNoLongerReadsFailsTheRegistryLoadNamingIt() }
    func aStoredPartyThatNoLongerReadsFailsTheRegistryLoadNamingIt() async throws {
        try await store.replaceRegistry(try RegistryFile.parse(Data(#"[{"HerId": 1}, {"HerId": 2}]"#.utf8)), source: "t", now: now)
        try await sqlite().pool.write { db in
            try db.execute(sql: "UPDATE party SET document = ? WHERE her_id = 2", arguments: [Data("{not json".utf8)])
        }
        do {
            _ = try await store.loadRegistry(at: now)
            Issue.record("a damaged party was skipped silently")
        } catch {
            #expect(error.kind == .permanent)
            #expect(error.description.contains("stored party 2"))
        }
    }

    /// Whatever made a dead letter, its copy stays publishable: short fields within AMQP's 255
    /// bytes after escaping, headers within 64 KiB, nothing malformed sent as it came.
    @Test(arguments: StoreBackend.allCases)
    static func aDeadLetterCopyIsBoundedWhateverItsOriginalHeld(_ backend: StoreBackend) async throws { try await Self(backend).aDeadLetterCopyIsBoundedWhateverItsOriginalHeld() }
    func aDeadLetterCopyIsBoundedWhateverItsOriginalHeld() async throws {
        var draft = draft("m1")
        draft.properties.correlationId = String(repeating: "\u{1}", count: 52)
        draft.properties.contentType = String(repeating: "\u{2028}", count: 200)
        draft.properties.headers[String(repeating: "\u{2028}", count: 40)] = "x"
        for index in 0..<100 { draft.properties.headers["h\(index)"] = String(repeating: "\u{1B}", count: 1000) }
        _ = try await store.commitIngress([.deadLetter(draft, acceptedKey: nil)], now: now)
        let copy = try #require(try await store.dueMessages(for: .queue("test.dead"), now: now, limit: 1).first)
        let properties = copy.properties
        for value in [properties.correlationId, properties.contentType, properties.messageId] {
            #expect((value?.utf8.count ?? 0) <= 255)
        }
        #expect(properties.headers.keys.allSatisfy { $0.utf8.count <= 255 })
        #expect(properties.headers.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } <= 64 * 1024 + 200)
        #expect(properties.headers[HeaderName.deadLetterHeadersLeftOut] != nil)
        #expect(!properties.headers.values.contains { $0.unicodeScalars.contains { $0.value < 0x20 } })
        // The store keeps the original whole, for a replay.
        let letter = try #require(try await store.deadLetters().first)
        #expect(letter.messageId == "m1")
    }
}

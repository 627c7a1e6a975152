import AddressRegistry
import Dialogs
import Foundation
import GRDB
@testable import Hub
import Testing

/// Conversations (dialogs contract §2) as ingress and the store record them: real example
/// messages through the validator into a real SQLite store, the deadline checked by the watch on
/// a clock the test sets.
@Suite(.timeLimit(.minutes(2))) struct ConversationStoreTests {
    let store: any HubStore
    let registry: AddressRegistry
    let validator = IngressValidator(settings: HubSettings(herId: Examples.hub), schemas: Examples.schemas)
    let innsyn: String
    let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 24 * 3600
    static let requestMsgId = "35bf992d-c9e9-4616-a12e-7696a6cecc1b"

    init(_ backend: StoreBackend) async throws {
        store = try await backend.makeStore()
        registry = try Examples.registry()
        innsyn = try Examples.message("innsyn_bruk.xml")
    }

    /// The register's answer to the example request: the parties swapped, a new MsgId, and a
    /// `ConversationRef` naming the request.
    static func answer(_ request: String, msgId: String, refToParent: String, refToConversation: String) -> String {
        var text = request
        for (from, to) in [("10037001", "L1S"), ("10037002", "L2S"), ("10037003", "10037001"), ("10037004", "10037002"),
                           ("L1S", "10037003"), ("L2S", "10037004")] {
            text = text.replacingOccurrences(of: "<Id>\(from)</Id>", with: "<Id>\(to)</Id>")
        }
        return referring(text, msgId: msgId, refToParent: refToParent, refToConversation: refToConversation)
    }

    /// The example with a new MsgId and a `ConversationRef`.
    static func referring(_ message: String, msgId: String, refToParent: String, refToConversation: String) -> String {
        message.replacingOccurrences(of: "<MsgId>\(requestMsgId)</MsgId>", with: "<MsgId>\(msgId)</MsgId>")
            .replacingOccurrences(of: "<Ack V=\"J\" DN=\"Ja\"/>", with: """
                <Ack V="J" DN="Ja"/><ConversationRef><RefToParent>\(refToParent)</RefToParent>\
                <RefToConversation>\(refToConversation)</RefToConversation></ConversationRef>
                """)
    }

    /// Runs `body` through the checks and commits it at `now`; returns its message_id.
    @discardableResult
    func submit(_ body: String, from: Int = Examples.portal, to: Int = Examples.register, at now: Date) async throws -> String {
        let submission = Examples.submission(body, from: String(from), to: String(to))
        let decision = validator.evaluate(submission, registry: registry, now: now)
        guard case .accept = decision else { throw TestFailure("not accepted: \(decision)") }
        let outcome = try await store.commitIngress([decision], now: now)
        guard case .accepted = outcome.first else { throw TestFailure("not stored: \(outcome)") }
        return try #require(submission.properties.messageId)
    }

    /// The example request, then the portal again in the same conversation: a follow-up, not an
    /// answer. It opens a conversation of its own, whose id is the first request's MsgId (the
    /// one it names) and whose request MsgId is "follow-up".
    func openRequestAndFollowUp() async throws {
        try await submit(innsyn, at: start)
        let followUp = Self.referring(innsyn, msgId: "follow-up", refToParent: "x", refToConversation: Self.requestMsgId)
        try await submit(followUp, at: start.addingTimeInterval(60))
    }

    func only() async throws -> Conversation {
        let all = try await store.conversations(involving: nil, state: nil)
        try #require(all.count == 1, "\(all)")
        return all[0]
    }

    @Test(arguments: StoreBackend.allCases)
    static func aRequestAndItsAnswerAreOneAnsweredConversation(_ backend: StoreBackend) async throws { try await Self(backend).aRequestAndItsAnswerAreOneAnsweredConversation() }
    func aRequestAndItsAnswerAreOneAnsweredConversation() async throws {
        let request = try await submit(innsyn, at: start)
        let opened = try await only()
        #expect(opened.conversationId == Self.requestMsgId)
        #expect(opened.requestMessageId == request)
        #expect(opened.function == "DIALOG_INNBYGGER_HREG_INNSYN_BRUK")
        #expect(opened.senderHerId == Examples.portal && opened.receiverHerId == Examples.register)
        #expect(opened.openedAt == start && opened.deadline == start.addingTimeInterval(30 * Self.day))
        #expect(opened.state == .open)

        // The answer has the request's function, which opens conversations: it opens none.
        let answerBody = Self.answer(innsyn, msgId: "answer-1", refToParent: Self.requestMsgId, refToConversation: Self.requestMsgId)
        let answer = try await submit(answerBody, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(Self.day))
        let answered = try await only()
        #expect(answered.state == .answered)
        #expect(answered.answerMessageId == answer)
        #expect(answered.answeredAt == start.addingTimeInterval(Self.day))
        #expect(try await store.conversations(involving: [Examples.register], state: .answered).count == 1)
        #expect(try await store.conversations(involving: [Examples.hub], state: nil).isEmpty)
        #expect(try await store.conversations(involving: nil, state: .open).isEmpty)
        // Both messages show it.
        let requestRow = try #require(try await store.reports(for: request).first)
        let answerRow = try #require(try await store.reports(for: answer).first)
        #expect(try await store.conversation(ofMessage: requestRow.id) == answered)
        #expect(try await store.conversation(ofMessage: answerRow.id) == answered)
        // A second answer naming it opens none and leaves the first answer recorded.
        let again = Self.answer(innsyn, msgId: "answer-1b", refToParent: Self.requestMsgId, refToConversation: Self.requestMsgId)
        try await submit(again, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(2 * Self.day))
        #expect(try await only() == answered)
    }

    @Test(arguments: StoreBackend.allCases)
    static func refToConversationAnswersAndOnlyTheReceiverCanAnswer(_ backend: StoreBackend) async throws { try await Self(backend).refToConversationAnswersAndOnlyTheReceiverCanAnswer() }
    func refToConversationAnswersAndOnlyTheReceiverCanAnswer() async throws {
        try await openRequestAndFollowUp()
        let both = try await store.conversations(involving: nil, state: .open)
        #expect(both.map(\.conversationId) == [Self.requestMsgId, Self.requestMsgId])
        #expect(both.map(\.requestMsgId) == [Self.requestMsgId, "follow-up"])

        // The register answers naming only the conversation: both are answered.
        let answer = Self.answer(innsyn, msgId: "answer-2", refToParent: "unknown", refToConversation: Self.requestMsgId)
        try await submit(answer, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(120))
        #expect(try await store.conversations(involving: nil, state: .answered).count == 2)
    }

    @Test(arguments: StoreBackend.allCases)
    static func refToParentAnswersTheRequestItNamesOnly(_ backend: StoreBackend) async throws { try await Self(backend).refToParentAnswersTheRequestItNamesOnly() }
    func refToParentAnswersTheRequestItNamesOnly() async throws {
        try await openRequestAndFollowUp()

        // RefToParent names the follow-up: its conversation alone is answered.
        let toFollowUp = Self.answer(innsyn, msgId: "answer-3", refToParent: "follow-up", refToConversation: "other")
        let firstAnswer = try await submit(toFollowUp, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(120))
        #expect(try await store.conversations(involving: nil, state: .answered).map(\.requestMsgId) == ["follow-up"])
        #expect(try await store.conversations(involving: nil, state: .open).map(\.requestMsgId) == [Self.requestMsgId])

        // RefToParent names the first request: its conversation, not every one with that id.
        let toFirst = Self.answer(innsyn, msgId: "answer-4", refToParent: Self.requestMsgId, refToConversation: "other")
        let secondAnswer = try await submit(toFirst, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(180))
        let answered = try await store.conversations(involving: nil, state: .answered)
        #expect(answered.map(\.requestMsgId) == [Self.requestMsgId, "follow-up"])
        #expect(answered.map(\.answerMessageId) == [secondAnswer, firstAnswer])
    }

    @Test(arguments: StoreBackend.allCases)
    static func anAppRecIsNotAnAnswerButARejectionCloses(_ backend: StoreBackend) async throws { try await Self(backend).anAppRecIsNotAnAnswerButARejectionCloses() }
    func anAppRecIsNotAnAnswerButARejectionCloses() async throws {
        let request = try await submit(innsyn, at: start)
        let ok = try Examples.message("apprec-ok.xml").replacingOccurrences(of: "78e51061-7311-48a3-82ce-6f447ed4d57b", with: Self.requestMsgId)
        try await submit(ok, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(60))
        #expect(try await only().state == .open)

        let rejected = try Examples.message("apprec-rejected.xml")
        try await submit(rejected, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(120))
        let closed = try await only()
        #expect(closed.state == .closed)
        #expect(closed.closedReason == "the request was rejected by an AppRec")
        #expect(try await store.reports(for: request).first?.history.map(\.status).contains(.rejected) == true)
    }

    @Test(arguments: StoreBackend.allCases)
    static func aRequestNeverDeliveredIsClosed(_ backend: StoreBackend) async throws { try await Self(backend).aRequestNeverDeliveredIsClosed() }
    func aRequestNeverDeliveredIsClosed() async throws {
        let request = try await submit(innsyn, at: start)
        let row = try #require(try await store.reports(for: request).first)
        try await store.recordDispatch(
            [.givenUp(id: row.id, status: .expired, reason: "expired", deadLetter: nil, notice: nil)], now: start.addingTimeInterval(4 * Self.day))
        let closed = try await only()
        #expect(closed.state == .closed)
        #expect(closed.closedReason == "the request expired before it was delivered")
        // Closed is final: the deadline passing changes nothing.
        let log = RecordedLog()
        let watch = ConversationWatch(store: store, settings: validator.settings, logger: log.logger)
        #expect(try await watch.checkOnce(now: start.addingTimeInterval(31 * Self.day)) == 0)
        #expect(try await only().state == .closed)
    }

    @Test(arguments: StoreBackend.allCases)
    static func anUnansweredRequestIsOverdueOnceThenAnsweredLate(_ backend: StoreBackend) async throws { try await Self(backend).anUnansweredRequestIsOverdueOnceThenAnsweredLate() }
    func anUnansweredRequestIsOverdueOnceThenAnsweredLate() async throws {
        let request = try await submit(innsyn, at: start)
        let log = RecordedLog()
        let watch = ConversationWatch(store: store, settings: validator.settings, logger: log.logger)
        let deadline = start.addingTimeInterval(30 * Self.day)
        #expect(try await watch.checkOnce(now: deadline) == 0)
        #expect(try await only().state == .open)

        #expect(try await watch.checkOnce(now: deadline.addingTimeInterval(1)) == 1)
        #expect(try await only().state == .overdue)
        let notifications = try await store.notifications(for: [Examples.portal, Examples.register], after: 0, limit: 100)
        #expect(notifications.map(\.type) == [.conversationOverdue, .conversationOverdue])
        #expect(notifications.map(\.receiverHerId) == [Examples.register, Examples.portal])
        #expect(notifications.map(\.triggeredByHerId) == [Examples.portal, Examples.register])
        #expect(notifications.allSatisfy { $0.relatedMessageId == request })
        #expect(notifications.first?.description == "No answer to DIALOG_INNBYGGER_HREG_INNSYN_BRUK by its deadline 2027-02-14T08:00:00.000Z")
        let warnings = log.lines(at: .warning)
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("conversation overdue: no answer by its deadline") == true)
        #expect(warnings.first?.contains("message_id=\(request)") == true)
        #expect(warnings.first?.contains("toHerId=\(Examples.register)") == true)
        // No national identity number: no run of eleven digits outside a UUID (the message ids
        // are random UUIDs, and one in a hundred has eleven digits in a row).
        #expect(log.all.allSatisfy { line in
            line.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, with: "").contains(/\d{11}/) == false
        })

        // However long it stays overdue: nothing more.
        for days in [31.0, 60, 365] {
            #expect(try await watch.checkOnce(now: start.addingTimeInterval(days * Self.day)) == 0)
        }
        #expect(try await store.notifications(for: [Examples.portal, Examples.register], after: 0, limit: 100).count == 2)
        #expect(log.lines(at: .warning).count == 1)

        let answerBody = Self.answer(innsyn, msgId: "late", refToParent: Self.requestMsgId, refToConversation: Self.requestMsgId)
        try await submit(answerBody, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(400 * Self.day))
        #expect(try await only().state == .answeredLate)
    }

    @Test(arguments: StoreBackend.allCases)
    static func anAnswerAfterTheDeadlineIsLateEvenBeforeTheCheck(_ backend: StoreBackend) async throws { try await Self(backend).anAnswerAfterTheDeadlineIsLateEvenBeforeTheCheck() }
    func anAnswerAfterTheDeadlineIsLateEvenBeforeTheCheck() async throws {
        try await submit(innsyn, at: start)
        let answerBody = Self.answer(innsyn, msgId: "late", refToParent: Self.requestMsgId, refToConversation: "other")
        try await submit(answerBody, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(30 * Self.day + 1))
        #expect(try await only().state == .answeredLate)
        #expect(try await store.notifications(for: [Examples.portal, Examples.register], after: 0, limit: 10).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    static func finishedConversationsArePrunedAfterRetentionOverdueOnesStay(_ backend: StoreBackend) async throws { try await Self(backend).finishedConversationsArePrunedAfterRetentionOverdueOnesStay() }
    func finishedConversationsArePrunedAfterRetentionOverdueOnesStay() async throws {
        try await submit(innsyn, at: start)
        let other = innsyn.replacingOccurrences(of: Self.requestMsgId, with: "second")
        try await submit(other, at: start)
        let answerBody = Self.answer(innsyn, msgId: "answer", refToParent: Self.requestMsgId, refToConversation: Self.requestMsgId)
        try await submit(answerBody, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(Self.day))
        let watch = ConversationWatch(store: store, settings: validator.settings, logger: RecordedLog().logger)
        // Retention is 30 days after the last change: the answered one goes, the overdue one stays.
        #expect(try await watch.checkOnce(now: start.addingTimeInterval(32 * Self.day)) == 1)
        let left = try await store.conversations(involving: nil, state: nil)
        #expect(left.map(\.requestMsgId) == ["second"])
        #expect(left.map(\.state) == [.overdue])
    }

    /// Retention and the deadline are both 30 days by default: the request may be pruned before
    /// its conversation falls overdue. The conversation, and its notifications, do not need it.
    @Test(arguments: StoreBackend.allCases)
    static func aConversationOutlivesItsPrunedRequest(_ backend: StoreBackend) async throws { try await Self(backend).aConversationOutlivesItsPrunedRequest() }
    func aConversationOutlivesItsPrunedRequest() async throws {
        let request = try await submit(innsyn, at: start)
        let row = try #require(try await store.reports(for: request).first)
        try await store.recordDispatch([.sent(id: row.id)], now: start)
        #expect(try await store.prune(duplicateKeysBefore: start, messagesBefore: start.addingTimeInterval(30 * Self.day)) == 1)
        #expect(try await store.reports(for: request).isEmpty)

        let watch = ConversationWatch(store: store, settings: validator.settings, logger: RecordedLog().logger)
        #expect(try await watch.checkOnce(now: start.addingTimeInterval(30 * Self.day + 1)) == 1)
        let overdue = try await only()
        #expect(overdue.requestMessageId == request && overdue.state == .overdue)
        #expect(try await store.notifications(for: [Examples.register], after: 0, limit: 10).map(\.relatedMessageId) == [request])
    }

    /// An answer that comes after its request's message was pruned still finds the conversation,
    /// by `RefToParent` or by `RefToConversation`: SQLite finds a conversation through its
    /// request's message while it keeps it, by the conversation's own ids after.
    @Test(arguments: StoreBackend.allCases)
    static func anAnswerFindsAConversationWhoseRequestWasPruned(_ backend: StoreBackend) async throws { try await Self(backend).anAnswerFindsAConversationWhoseRequestWasPruned() }
    func anAnswerFindsAConversationWhoseRequestWasPruned() async throws {
        let first = try await submit(innsyn, at: start)
        let second = try await submit(innsyn.replacingOccurrences(of: Self.requestMsgId, with: "second"), at: start)
        for request in [first, second] {
            let row = try #require(try await store.reports(for: request).first)
            try await store.recordDispatch([.sent(id: row.id)], now: start)
        }
        #expect(try await store.prune(duplicateKeysBefore: start, messagesBefore: start.addingTimeInterval(Self.day)) == 2)
        #expect(try await store.reports(for: first).isEmpty)

        let byParent = Self.answer(innsyn, msgId: "answer-1", refToParent: Self.requestMsgId, refToConversation: "unknown")
        try await submit(byParent, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(2 * Self.day))
        let byConversation = Self.answer(innsyn, msgId: "answer-2", refToParent: "unknown", refToConversation: "second")
        try await submit(byConversation, from: Examples.register, to: Examples.portal, at: start.addingTimeInterval(2 * Self.day))
        let all = try await store.conversations(involving: nil, state: nil)
        #expect(all.map(\.requestMsgId) == [Self.requestMsgId, "second"])
        #expect(all.map(\.state) == [.answered, .answered])
    }

    /// A conversation whose id is its request's MsgId is found through the request (with random
    /// MsgIds an index keyed by that id cost a page written per conversation):
    /// `conversation_by_own_id` holds only the conversations with an id of their own, and those
    /// whose request was pruned.
    @Test(arguments: [StoreBackend.sqlite])
    static func onlyConversationsNotFoundThroughTheirRequestAreIndexedByTheirId(_ backend: StoreBackend) async throws { try await Self(backend).onlyConversationsNotFoundThroughTheirRequestAreIndexedByTheirId() }
    func onlyConversationsNotFoundThroughTheirRequestAreIndexedByTheirId() async throws {
        let sqlite = try #require(store as? SQLiteStore)
        func indexed() async throws -> [String] {
            try await sqlite.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT request_msg_id FROM conversation INDEXED BY conversation_by_own_id
                    WHERE \(ConversationSchema.notFoundByRequest) ORDER BY id
                    """)
            }
        }
        try await openRequestAndFollowUp()
        // The follow-up's conversation has the first request's MsgId as its id.
        #expect(try await indexed() == ["follow-up"])
        let request = try #require(try await store.reports(for: Self.requestMsgId).first)
        try await store.recordDispatch([.sent(id: request.id)], now: start)
        #expect(try await store.prune(duplicateKeysBefore: start, messagesBefore: start.addingTimeInterval(30)) == 1)
        #expect(try await indexed() == [Self.requestMsgId, "follow-up"])
    }

    /// `v9-conversations` rebuilds the notification table (a notification may now be about a
    /// conversation): a store in use keeps its notifications, their offsets and its counter.
    @Test(arguments: [StoreBackend.sqlite])
    static func notificationsKeepTheirOffsetsThroughTheMigration(_ backend: StoreBackend) async throws { try await Self(backend).notificationsKeepTheirOffsetsThroughTheMigration() }
    func notificationsKeepTheirOffsetsThroughTheMigration() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-v8-\(UUID().uuidString).sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try StoreSchema.migrator.migrate(pool, upTo: "v8-proms")
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO message (id, message_id, kind, target_kind, properties, body, state, accepted_at, expires_at)
                    VALUES (1, 'm1', 'dialog', 'async', x'', x'', 'sent', 0, 0);
                    INSERT INTO notification (receiver_her_id, type, message, related_message_id, description, created_at)
                    VALUES (10037002, 'NewMessage', 1, 'm1', 'one', 0), (10037002, 'NewMessage', 1, 'm1', 'two', 0);
                    DELETE FROM notification WHERE position = 2;
                    """)
            }
        }
        let migrated = try SQLiteStore(path: path)
        #expect(try await migrated.notifications(for: [Examples.portal], after: 0, limit: 10).map(\.description) == ["one"])
        _ = try await migrated.commitIngress(
            [validator.evaluate(Examples.submission(innsyn), registry: registry, now: start)], now: start)
        let watch = ConversationWatch(store: migrated, settings: validator.settings, logger: RecordedLog().logger)
        #expect(try await watch.checkOnce(now: start.addingTimeInterval(31 * Self.day)) == 1)
        // Position 2 was handed out before the migration: never again.
        #expect(try await migrated.notifications(for: [Examples.portal, Examples.register], after: 1, limit: 10).map(\.offset) == [3, 4])
    }
}

/// How SQLite finds the conversations an answer names, in a store migrated from before
/// `v11-conversation-lookups`: by index, never by reading every conversation between the two
/// parties (what one `OR` over both ids did).
@Suite(.timeLimit(.minutes(1))) struct ConversationLookupPlanTests {
    /// Checked in the forms ingress runs: the answer's update, and the check whether it names
    /// any conversation at all.
    @Test(arguments: [
        SQLiteStore.answerNamedConversations,
        "SELECT EXISTS (\(SQLiteStore.namedConversations))",
    ])
    func everyPartOfTheLookupSearchesAnIndexByItsId(_ statement: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-v10-\(UUID().uuidString).sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try StoreSchema.migrator.migrate(pool, upTo: "v10-registry-sync")
        }
        let store = try SQLiteStore(path: path)
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(statement)", arguments: [
                "sender": 1, "receiver": 2, "parent": "p", "conversation": "c", "now": 0, "answer": 1, "answerId": "a",
            ]).map { $0["detail"] as String }
        }
        // The EXISTS form's one constant row is no table read.
        let searches = plan.filter { ($0.hasPrefix("SEARCH") || $0.hasPrefix("SCAN")) && $0 != "SCAN CONSTANT ROW" }
        #expect(searches.filter { !$0.contains("USING INTEGER PRIMARY KEY") }.count == 5, "\(plan)")
        #expect(searches.allSatisfy { $0.hasPrefix("SEARCH") }, "\(plan)")
        // The request's message first, then its conversation: the other way round starts at
        // every conversation of the sender.
        let request = try #require(
            searches.firstIndex { $0.contains("message_by_msg_id (msg_id=? AND from_her_id=?)") }, "\(plan)")
        let throughRequest = try #require(
            searches.firstIndex { $0.contains("conversation_by_request_message (request_message=?)") }, "\(plan)")
        #expect(request < throughRequest, "\(plan)")
        #expect(searches.filter { $0.contains("conversation_by_own_id (sender_her_id=? AND receiver_her_id=? AND conversation_id=?)") }.count == 2, "\(plan)")
        #expect(searches.contains { $0.contains("conversation_by_other_request") }, "\(plan)")
    }

    /// The duplicate check of an accepted message is one index search for its row (by MsgId and
    /// sender, so a MsgId many senders use costs no row reads) and one for a key row.
    @Test func theDuplicateCheckSearchesByMsgIdAndSender() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-plan-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(SQLiteStore.keyIsClaimed)", arguments: ["m", 1, "msg:m"])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("SEARCH message USING INDEX message_by_msg_id (msg_id=? AND from_her_id=?)") }, "\(plan)")
        #expect(plan.contains { $0.contains("SEARCH duplicate_key USING PRIMARY KEY (from_her_id=? AND key=?)") }, "\(plan)")
        #expect(!plan.contains { $0.contains("SCAN message") || $0.contains("SCAN duplicate_key") }, "\(plan)")
    }
}

extension ConversationLookupPlanTests {
    /// A party's conversations are found by index from both sides, as sender through
    /// `conversation_by_sender`, as receiver through `conversation_by_receiver`.
    @Test func aPartysConversationsAreSearchedByIndexFromBothSides() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-plan-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT * FROM conversation
                WHERE (sender_her_id IN (?, ?) OR receiver_her_id IN (?, ?)) ORDER BY opened_at, id
                """, arguments: [1, 2, 1, 2]).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("USING INDEX conversation_by_sender (sender_her_id=?)") }, "\(plan)")
        #expect(plan.contains { $0.contains("USING INDEX conversation_by_receiver (receiver_her_id=?)") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// Opening a conversation builds no temporary B-tree (as an `IN` list in a partial index's
    /// condition did), and pruning still finds finished conversations by their index.
    @Test func openingBuildsNoTemporaryTableAndPruningUsesItsIndex() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-plan-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path)
        let (program, plan) = try await store.pool.read { db in
            let program = try Row.fetchAll(db, sql: """
                EXPLAIN INSERT INTO conversation (conversation_id, request_message, request_message_id, request_msg_id,
                    function, sender_her_id, receiver_her_id, opened_at, deadline, state, updated_at)
                VALUES ('c', NULL, 'm', 'c', 'F', 1, 2, 0, 1, 'open', 0)
                """).map { $0["opcode"] as String }
            let plan = try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT id FROM conversation WHERE \(ConversationSchema.finishedStates) AND updated_at < ?
                """, arguments: [0]).map { $0["detail"] as String }
            return (program, plan)
        }
        #expect(program.contains("IdxInsert"), "\(program)")
        #expect(!program.contains("OpenEphemeral"), "\(program)")
        #expect(plan.contains { $0.contains("USING INDEX conversation_finished (updated_at<?)") }, "\(plan)")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

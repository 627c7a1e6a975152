import AddressRegistry
import Foundation
@testable import Hub
import Logging
import Synchronization
import Testing

/// Dispatch over a transport that needs no broker.
@Suite(.timeLimit(.minutes(1))) struct DispatcherTests {
    /// Answers each envelope by a rule and records what it was given.
    final class RecordingTransport: OutboundTransport {
        let sent = Mutex<[OutboundEnvelope]>([])
        let answer: @Sendable (OutboundEnvelope) -> SendOutcome

        init(answer: @escaping @Sendable (OutboundEnvelope) -> SendOutcome) {
            self.answer = answer
        }

        func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
            sent.withLock { $0 += batch }
            return batch.map(answer)
        }
    }

    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-dispatch-\(UUID().uuidString).sqlite").path
        store = try SQLiteStore(path: path, deadLetterQueue: "test.dead")
    }

    func dispatcher(
        _ transport: some OutboundTransport, handOff: CommitHandOff? = nil, settings: HubSettings = HubSettings(herId: Examples.hub)
    ) async throws -> Dispatcher {
        let registry = try await Examples.registryCache(importedInto: store, now: now)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return Dispatcher(
            store: store, transport: transport, registry: registry, settings: settings, logger: logger,
            clock: { [now] in now }, random: { 0.5 }, handOff: handOff)
    }

    /// Sends everything and tells the test each message id it sent, in order.
    final class AnnouncingTransport: OutboundTransport {
        let sent: AsyncStream<String?>.Continuation

        init(_ sent: AsyncStream<String?>.Continuation) {
            self.sent = sent
        }

        func send(_ batch: [OutboundEnvelope]) async -> [SendOutcome] {
            for envelope in batch { sent.yield(envelope.properties.messageId) }
            return batch.map { _ in .sent }
        }
    }

    /// Commits `messages` as ingress does with a hand-off, under `ticket` or a new one.
    func commit(_ messages: [NewMessage], handOff: CommitHandOff, ticket: CommitHandOff.Ticket? = nil) async throws {
        let ticket = ticket ?? handOff.open()
        let decisions = messages.map(IngressDecision.accept)
        let outcomes = try await store.commitIngress(decisions, now: now)
        handOff.close(ticket, decisions: decisions, outcomes: outcomes, acceptedAt: now)
    }

    /// Runs the dispatcher's loop for `body`, then stops it and waits for it to end.
    func running(_ dispatcher: Dispatcher, wake: WakeSignal, _ body: () async throws -> Void) async throws {
        let stop = Mutex(false)
        let loop = Task { await dispatcher.run(wake: wake, shouldStop: { stop.withLock { $0 } }) }
        let outcome: Result<Void, any Error>
        do {
            try await body()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        stop.withLock { $0 = true }
        wake.signal()
        await loop.value
        try outcome.get()
    }

    /// Messages handed over are sent from memory even while a look at the store, which passes
    /// over them, finds nothing else due (the loop once looked at the store again and again then).
    @Test func handedOverMessagesAreSentWhenTheStoreLookFindsNothingElse() async throws {
        let wake = WakeSignal()
        let handOff = CommitHandOff(wake: wake, capacity: 100, maxBytes: 1 << 20)
        let (stream, sent) = AsyncStream<String?>.makeStream()
        let dispatcher = try await dispatcher(AnnouncingTransport(sent), handOff: handOff)
        try await commit([message("m1")], handOff: handOff)
        wake.signal()
        try await running(dispatcher, wake: wake) {
            var arrivals = stream.makeAsyncIterator()
            #expect(await arrivals.next() == "m1")
        }
        #expect(try await store.reports(for: "m1").first?.history.map(\.status) == [.accepted, .sent])
    }

    /// A backlog in the store does not hold back what waits in memory: each round sends from both.
    @Test func aBacklogInTheStoreDoesNotHoldBackWhatWaitsInMemory() async throws {
        let wake = WakeSignal()
        let handOff = CommitHandOff(wake: wake, capacity: 100, maxBytes: 1 << 20)
        let (stream, sent) = AsyncStream<String?>.makeStream()
        let dispatcher = try await dispatcher(
            AnnouncingTransport(sent), handOff: handOff, settings: HubSettings(herId: Examples.hub, dispatchBatchSize: 2))
        _ = try await store.commitIngress((1...6).map { .accept(message("backlog-\($0)")) }, now: now)
        var other = message("other")
        other.target = .queue("other.queue")
        try await commit([other], handOff: handOff)
        try await running(dispatcher, wake: wake) {
            var arrivals = stream.makeAsyncIterator()
            var first: [String?] = []
            for _ in 0..<3 { first.append(await arrivals.next() ?? nil) }
            // The first round's look takes two of the backlog, then the message in memory goes.
            #expect(first == ["backlog-1", "backlog-2", "other"])
            for _ in 0..<4 { _ = await arrivals.next() }
        }
    }

    /// A look at the store that reads a commit's rows before their hand-over sends them; the
    /// hand-over then leaves them out, and what comes next is sent once.
    @Test func messagesALookSentBeforeTheirHandOverAreNotSentAgain() async throws {
        let wake = WakeSignal()
        let handOff = CommitHandOff(wake: wake, capacity: 100, maxBytes: 1 << 20)
        let (stream, sent) = AsyncStream<String?>.makeStream()
        let dispatcher = try await dispatcher(AnnouncingTransport(sent), handOff: handOff)
        let early = handOff.open()
        let decisions: [IngressDecision] = [.accept(message("m1")), .accept(message("m2"))]
        let outcomes = try await store.commitIngress(decisions, now: now)
        try await running(dispatcher, wake: wake) {
            var arrivals = stream.makeAsyncIterator()
            // The loop's first look at the store finds both, before ingress hands them over.
            #expect(await arrivals.next() == "m1")
            #expect(await arrivals.next() == "m2")
            handOff.close(early, decisions: decisions, outcomes: outcomes, acceptedAt: now)
            try await commit([message("m3")], handOff: handOff)
            // Had the hand-over kept m1 and m2, they would come before m3.
            #expect(await arrivals.next() == "m3")
        }
        for id in ["m1", "m2", "m3"] {
            #expect(try await store.reports(for: id).first?.history.map(\.status) == [.accepted, .sent])
        }
    }

    func message(_ messageId: String, headers: MessageHeaders = [:]) -> NewMessage {
        NewMessage(
            messageId: messageId, kind: .dialog, fromHerId: Examples.portal, toHerId: Examples.register,
            messageFunction: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", msgId: messageId,
            target: .partyAsync(herId: Examples.register),
            properties: MessageProperties(messageId: messageId, type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", headers: headers),
            body: Array("<x/>".utf8), expiresAt: now.addingTimeInterval(3600),
            duplicateKey: DuplicateKey(senderHerId: Examples.portal, key: messageId))
    }

    /// A message the transport can never carry fails at once, its sender is told, and the
    /// others of its batch are sent once.
    @Test func aPermanentFailureFailsOnlyThatMessageAndTellsItsSender() async throws {
        _ = try await store.commitIngress([.accept(message("good-1")), .accept(message("bad")), .accept(message("good-2"))], now: now)
        let transport = RecordingTransport { envelope in
            envelope.properties.messageId == "bad" ? .permanentFailure("cannot be sent over AMQP: too long") : .sent
        }
        let dispatcher = try await dispatcher(transport)
        #expect(try await dispatcher.dispatchOnce() == 3)
        #expect(try await store.reports(for: "bad").first?.history.map(\.status) == [.accepted, .failed])
        #expect(try await store.reports(for: "good-1").first?.history.map(\.status) == [.accepted, .sent])
        #expect(try await store.reports(for: "good-2").first?.history.map(\.status) == [.accepted, .sent])
        #expect(try await store.deadLetters().map(\.messageId) == ["bad"])

        // The next pass sends the error message and the dead-letter copy, nothing else again.
        transport.sent.withLock { $0.removeAll() }
        _ = try await dispatcher.dispatchOnce()
        let second = transport.sent.withLock { $0 }
        #expect(second.count == 2)
        let notice = try #require(second.first { $0.properties.headers[HeaderName.errorCondition] != nil })
        #expect(notice.properties.headers[HeaderName.errorCondition] == "transport:delivery-failed")
        #expect(notice.properties.headers[HeaderName.originalMessageId] == "bad")
        #expect(second.contains { $0.destination == .queue("test.dead") })
    }

    /// Nothing hubd sends carries an identity number outside the body, whoever put it there.
    @Test func everythingSentIsMasked() async throws {
        _ = try await store.commitIngress([.accept(message("m1", headers: ["cpaId": "20835622828", "x-note": "fnr 20835622828"]))], now: now)
        let transport = RecordingTransport { _ in .sent }
        _ = try await dispatcher(transport).dispatchOnce()
        let envelope = try #require(transport.sent.withLock { $0.first })
        #expect(envelope.properties.headers["cpaId"] == "***********")
        #expect(envelope.properties.headers["x-note"] == "fnr ***********")
    }

    /// Two header names that differ only in a masked number become one header, and always the
    /// same one: the first in name order, whatever order the table keeps them in.
    @Test func namesThatMaskAlikeKeepTheFirstInNameOrder() {
        for round in 0..<20 {
            let names = ["n-12345678901", "n-12345678902", "n-12345678903"].shuffled()
            var headers: MessageHeaders = ["plain": "19826606057"]
            for name in names { headers[name] = name.suffix(1) + " of round \(round)" }
            let masked = MessageProperties(headers: headers).maskingNationalIds().headers
            #expect(masked == ["n-***********": "1 of round \(round)", "plain": "***********"])
        }
    }

    /// A stored record that no longer reads back fails on its own; the rest goes out.
    @Test func aDamagedRecordFailsAloneInsteadOfStoppingDispatch() async throws {
        _ = try await store.commitIngress([.accept(message("good")), .accept(message("damaged"))], now: now)
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE message SET properties = X'09' WHERE message_id = 'damaged'")
        }
        let transport = RecordingTransport { _ in .sent }
        #expect(try await dispatcher(transport).dispatchOnce() == 2)
        #expect(try await store.reports(for: "good").first?.history.map(\.status) == [.accepted, .sent])
        let damaged = try #require(try await store.reports(for: "damaged").first)
        #expect(damaged.history.map(\.status) == [.accepted, .failed])
        #expect(damaged.lastError?.hasPrefix("its stored record is damaged") == true)
    }
}

import AddressRegistry
import Foundation
import GRDB
@testable import Hub
import Logging
import Synchronization
import Testing

/// Ingress over a submission source that needs no broker.
@Suite(.timeLimit(.minutes(1))) struct IngressPipelineTests {
    /// Offers prepared batches and records what the pipeline settles.
    final class ListSource: SubmissionSource {
        private let batches: [[Submission]]
        let settled = Mutex<[UInt64]>([])
        let paused = Mutex(false)

        init(_ batches: [[Submission]]) {
            self.batches = batches
        }

        func submissions() -> AsyncStream<[Submission]> {
            AsyncStream { continuation in
                for batch in batches { continuation.yield(batch) }
                continuation.finish()
            }
        }

        func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async {
            settled.withLock { $0 += batch.map(\.settlement.sequence) }
        }

        func pause() async { paused.withLock { $0 = true } }
        func resume() async { paused.withLock { $0 = false } }
        func stop() async {}
    }

    let store: SQLiteStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-ingress-\(UUID().uuidString).sqlite").path
        store = try SQLiteStore(path: path, deadLetterQueue: "test.dead")
    }

    func pipeline(_ source: ListSource) async throws -> IngressPipeline {
        let registry = try await Examples.registryCache(importedInto: store, now: now)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return IngressPipeline(
            source: source, store: store,
            validator: IngressValidator(settings: HubSettings(herId: Examples.hub), schemas: Examples.schemas),
            registry: registry, logger: logger, clock: { [now] in now })
    }

    func submission(_ sequence: UInt64, messageId: String) throws -> Submission {
        let body = try Examples.message("innsyn_bruk.xml").replacingOccurrences(of: "<MsgId>", with: "<MsgId>\(sequence)-")
        var submission = Examples.submission(body, messageId: messageId)
        submission.settlement = SettlementToken(sequence: sequence, epoch: 1)
        return submission
    }

    /// Regression: a permanent commit error (a row the database refuses, not a full disk) paused
    /// ingress forever. Now the one submission becomes a dead letter and the rest is accepted.
    @Test func aSubmissionTheStoreRefusesBecomesADeadLetterAndIngressGoesOn() async throws {
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON message WHEN NEW.message_id = 'poison' AND NEW.kind = 'dialog'
                BEGIN SELECT RAISE(ABORT, 'poisoned row'); END
                """)
        }
        let first = [try submission(1, messageId: "ok-1"), try submission(2, messageId: "poison"), try submission(3, messageId: "ok-3")]
        let second = [try submission(4, messageId: "ok-4")]
        let source = ListSource([first, second])
        let ingress = try await pipeline(source)
        let committed = Mutex<[[IngressOutcome]]>([])
        await ingress.run(committed: { outcomes in committed.withLock { $0.append(outcomes) } }, shouldStop: { false })

        #expect(source.settled.withLock { $0 } == [1, 2, 3, 4])
        // The hub wakes its loops by what each commit did (the buffer may join the two batches).
        let kinds = committed.withLock { $0 }.joined().map { outcome -> String in
            switch outcome {
            case .accepted: "accepted"
            case .deadLettered: "dead letter"
            default: "\(outcome)"
            }
        }
        #expect(kinds == ["accepted", "dead letter", "accepted", "accepted"])
        #expect(source.paused.withLock { $0 } == false)
        #expect(ingress.storeWritable)
        for id in ["ok-1", "ok-3", "ok-4"] {
            #expect(try await store.reports(for: id).first?.history.map(\.status) == [.accepted], "\(id)")
        }
        let letters = try await store.deadLetters()
        #expect(letters.map(\.messageId) == ["poison"])
        #expect(letters.first?.reason.hasPrefix("the store refused it:") == true)
        #expect(letters.first?.reason.contains("poisoned row") == true)
    }

    /// Regression: when the store also refused the dead letter's duplicate key (the raw
    /// `message_id`, which PostgreSQL refuses with a NUL byte in it or too long for its index),
    /// every fallback carried the same key and ingress was held for good. The last one goes
    /// without it.
    @Test func aDuplicateKeyTheStoreRefusesStillLeavesADeadLetter() async throws {
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER poison BEFORE INSERT ON message WHEN NEW.message_id LIKE 'poison%' AND NEW.kind = 'dialog'
                BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;
                CREATE TRIGGER poison_key BEFORE INSERT ON duplicate_key WHEN NEW.key LIKE 'dead:%poison%'
                BEGIN SELECT RAISE(ABORT, 'poisoned key'); END
                """)
        }
        let source = ListSource([[try submission(1, messageId: "poison-1"), try submission(2, messageId: "ok-2")]])
        let ingress = try await pipeline(source)
        await ingress.run(committed: { _ in }, shouldStop: { false })

        #expect(source.settled.withLock { $0 } == [1, 2])
        #expect(ingress.storeWritable)
        #expect(try await store.reports(for: "ok-2").first?.history.map(\.status) == [.accepted])
        let letters = try await store.deadLetters()
        #expect(letters.map(\.messageId) == ["poison-1"])
        #expect(letters.first?.reason.hasSuffix("(its content could not be kept)") == true, "\(letters)")
    }
}

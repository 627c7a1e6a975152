import Foundation
@testable import Hub
import Logging
import Synchronization
import Testing

/// Letting a source go (the gateway does, when a party leaves REST): the hub stops it and waits
/// until what ingress took from it is settled, so that its consumer can be closed without the
/// broker offering those messages again.
@Suite(.timeLimit(.minutes(1))) struct HubServiceDetachTests {
    /// Holds one batch (taken whenever ingress gets to it) and then nothing until stopped;
    /// acknowledging takes a while, as it does on a broker's connection thread.
    final class HeldSource: SubmissionSource {
        let batch: [Submission]
        let settled = Mutex<[UInt64]>([])
        private let stream: AsyncStream<[Submission]>
        private let continuation: AsyncStream<[Submission]>.Continuation

        init(_ batch: [Submission]) {
            self.batch = batch
            (stream, continuation) = AsyncStream.makeStream()
            continuation.yield(batch)
        }

        func submissions() -> AsyncStream<[Submission]> { stream }

        func settle(_ batch: [Submission], outcomes: [SubmissionOutcome]) async {
            try? await Task.sleep(for: .milliseconds(300))
            settled.withLock { $0 += batch.map(\.settlement.sequence) }
        }

        func pause() async {}
        func resume() async {}
        func stop() async { continuation.finish() }
    }

    @Test func detachReturnsOnceWhatWasTakenIsSettled() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hubd-detach-\(UUID().uuidString).sqlite").path
        let store = try SQLiteStore(path: path, deadLetterQueue: "test.dead")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        _ = try await Examples.registryCache(importedInto: store, now: now)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let hub = HubService(
            settings: HubSettings(herId: Examples.hub), store: store, sources: [],
            transport: DispatcherTests.RecordingTransport { _ in .sent }, schemas: Examples.schemas, logger: logger,
            clock: { now })
        let running = Task { try await hub.run() }

        var submission = Examples.submission(try Examples.message("innsyn_bruk.xml"))
        submission.settlement = SettlementToken(sequence: 7, epoch: 1)
        let source = HeldSource([submission])
        hub.attach(source)
        #expect(await hub.detach(source, timeout: .seconds(30)))
        #expect(source.settled.withLock { $0 } == [7])

        await hub.shutdown()
        try await running.value
    }
}

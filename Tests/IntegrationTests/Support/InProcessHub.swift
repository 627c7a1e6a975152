import AMQPBridge
import Dialogs
import Foundation
import Hub

/// A hub running inside the test process on the real broker and a real SQLite file,
/// with its own queues (see `TestParties`).
final class InProcessHub: Sendable {
    static let schemas: DialogSchemas = {
        do { return try DialogSchemas.loadBundled() } catch { preconditionFailure("bundled schemas: \(error)") }
    }()

    let parties: TestParties
    let directory: URL
    let store: any HubStore
    let settings: HubSettings
    private let service: HubService
    private let consumer: AMQPConsumer
    private let client: AMQPClient
    private let task: Task<Void, any Error>

    /// Starts a hub whose store lives in `directory` (a fresh temporary one by default).
    /// With `provisionQueues` (the default) the parties' queues are created first, as the bus
    /// operator would; the hub itself declares only its own.
    /// With a `clock`, the hub takes its time from it and looks at due work whenever it moves.
    init(
        parties: TestParties, directory: URL? = nil, provisionQueues: Bool = true, clock: ManualClock? = nil,
        configure: (inout HubSettings) -> Void = { _ in }
    ) async throws {
        self.parties = parties
        self.directory = try directory ?? TestEnvironment.temporaryDirectory()
        var settings = HubSettings(
            herId: TestParties.nhn, submitQueue: parties.submitQueue, deadLetterQueue: parties.deadQueue,
            retry: Backoff(initialDelay: 0.2, maximumDelay: 1))
        configure(&settings)
        self.settings = settings
        store = try SQLiteStore(path: self.directory.appendingPathComponent("hub.sqlite").path, deadLetterQueue: parties.deadQueue)
        try await store.replaceRegistry(try parties.entries, source: "test", now: Date())
        if provisionQueues { try await parties.provisionQueues() }
        let amqp = try TestEnvironment.amqpSettings()
        consumer = AMQPConsumer(
            settings: amqp, queue: parties.submitQueue, options: AMQPQueueOptions(), prefetch: 256, maxBatch: 128,
            logger: TestEnvironment.quietLogger)
        client = AMQPClient(
            settings: amqp, name: "test hub", logger: TestEnvironment.quietLogger,
            queues: [parties.submitQueue: AMQPQueueOptions(), parties.deadQueue: AMQPQueueOptions()])
        service = HubService(
            settings: settings, store: store, sources: [AMQPSubmissionSource(consumer: consumer)],
            transport: AMQPQueueTransport(client: client, declaring: nil),
            schemas: Self.schemas, logger: TestEnvironment.quietLogger, clock: clock?.function ?? Date.init)
        let service = self.service
        clock?.onAdvance { service.nudge() }
        task = Task { try await service.run() }
    }

    /// False while the hub's store cannot write.
    var isReady: Bool { service.isReady }

    /// Graceful stop, as on SIGTERM.
    func stop() async throws {
        await service.shutdown()
        try await task.value
        await consumer.close()
        await client.close()
    }

    /// Looks at due work now (after a registry import or a replay from outside).
    func nudge() { service.nudge() }

    /// Waits until everything submitted before now has been decided and everything the hub
    /// decided to send has been sent: a marker submitted after them is sent, and nothing is
    /// pending. What the queues hold then is final, so "nothing else arrived" is checked against
    /// this positive signal instead of a pause.
    func quiesce(_ probe: BrokerProbe, timeout: Duration = .seconds(20)) async throws {
        let marker = try await probe.submitMarker(to: parties.submitQueue)
        try await waitFor(.sent, of: marker, timeout: timeout)
        let deadline = ContinuousClock.now + timeout
        while try await store.pendingCount() > 0 {
            guard ContinuousClock.now < deadline else { throw TestFailure("the hub still has pending messages after \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        _ = await probe.drain(parties.asyncQueue(BrokerProbe.markerReceiver))
    }

    /// The statuses of the message with `messageId`, in order.
    func statuses(_ messageId: String) async throws -> [MessageStatus] {
        try await store.reports(for: messageId).first?.history.map(\.status) ?? []
    }

    /// Waits until at least `attempts` sends of the message have failed (and been recorded).
    func waitFor(attempts: Int, of messageId: String, timeout: Duration = .seconds(15)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let report = try await store.reports(for: messageId).first, report.attempts >= attempts { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("\(messageId) was not tried \(attempts) time(s) within \(timeout)")
    }

    /// Waits until the message has `status`; returns its history.
    @discardableResult
    func waitFor(_ status: MessageStatus, of messageId: String, timeout: Duration = .seconds(15)) async throws -> [MessageStatus] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let history = try await statuses(messageId)
            if history.contains(status) { return history }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("\(messageId) never became \(status.rawValue); history: \(try await statuses(messageId))")
    }
}

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
    let store: HubStore
    let settings: HubSettings
    private let service: HubService
    private let consumer: AMQPConsumer
    private let client: AMQPClient
    private let task: Task<Void, any Error>

    /// Starts a hub whose store lives in `directory` (a fresh temporary one by default).
    /// With `provisionQueues` (the default) the parties' queues are created first, as the bus
    /// operator would; the hub itself declares only its own.
    init(
        parties: TestParties, directory: URL? = nil, provisionQueues: Bool = true,
        configure: (inout HubSettings) -> Void = { _ in }
    ) async throws {
        self.parties = parties
        self.directory = try directory ?? TestEnvironment.temporaryDirectory()
        var settings = HubSettings(
            herId: TestParties.nhn, submitQueue: parties.submitQueue, deadLetterQueue: parties.deadQueue,
            retry: Backoff(initialDelay: 0.2, maximumDelay: 1))
        configure(&settings)
        self.settings = settings
        store = try HubStore(path: self.directory.appendingPathComponent("hub.sqlite").path, deadLetterQueue: parties.deadQueue)
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
            settings: settings, store: store, source: AMQPSubmissionSource(consumer: consumer),
            transport: AMQPQueueTransport(client: client, declaring: nil),
            schemas: Self.schemas, logger: TestEnvironment.quietLogger)
        let service = self.service
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

    /// The statuses of the message with `messageId`, in order.
    func statuses(_ messageId: String) async throws -> [MessageStatus] {
        try await store.reports(for: messageId).first?.history.map(\.status) ?? []
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

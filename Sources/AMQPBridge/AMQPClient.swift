import Foundation
import Logging

/// One AMQP connection on one dedicated thread, for publishing (publisher confirms) and
/// administration. All methods may be called from any task; none blocks the cooperative
/// pool. Calls are served one after the other, in order.
///
/// The connection is opened at once in the background and re-opened after failures with
/// capped exponential back-off (`AMQPSettings.reconnectMinDelay/MaxDelay`), logged once per
/// outage. Queues declared through this client are re-declared lazily on the next
/// connection when published to.
package final class AMQPClient: Sendable {
    enum Job: Sendable {
        case run(@Sendable (ClientCore) -> Void)
        case close(CheckedContinuation<Void, Never>?)
    }

    private let mailbox = Mailbox<Job>()
    private let status = LinkStatus()
    package let name: String
    package let settings: AMQPSettings

    /// - Parameter queues: queues this client owns: each is declared (with its options) on every
    ///   connection before the first publish to it, as if declared through `declareQueue`,
    ///   without a broker having to be there when the client is made.
    package init(settings: AMQPSettings, name: String, logger: Logger,
                publishPolicy: AMQPPublishPolicy = AMQPPublishPolicy(), queues: [String: AMQPQueueOptions] = [:]) {
        self.name = name
        self.settings = settings
        var logger = logger
        logger[metadataKey: "amqp.connection"] = "\(name)"
        let mailbox = self.mailbox
        let status = self.status
        let connName = settings.connectionName.map { "\($0) \(name)" } ?? name
        let policy = publishPolicy
        let log = logger
        let thread = Thread {
            let core = ClientCore(settings: settings, connectionName: connName, logger: log,
                                  policy: policy, mailbox: mailbox, status: status, queues: queues)
            core.run()
        }
        thread.name = "amqp-client-\(name)"
        thread.start()
    }

    deinit {
        mailbox.postFinal(.close(nil))
    }

    // MARK: Job plumbing

    private func submit<T: Sendable>(
        _ body: @escaping @Sendable (ClientCore) throws(AMQPError) -> T
    ) async throws(AMQPError) -> T {
        let result: Result<T, AMQPError> = await withCheckedContinuation { cont in
            let posted = mailbox.post(.run { core in
                cont.resume(returning: Result { () throws(AMQPError) -> T in try body(core) })
            })
            if !posted { cont.resume(returning: .failure(.closed)) }
        }
        return try result.get()
    }

    // MARK: API

    /// Declares a queue (idempotent). A queue that already exists with other arguments
    /// (406 PRECONDITION_FAILED) is reported as `.existsWithDifferentArguments` — not an
    /// error: it exists and can be published to; the channel is reopened.
    @discardableResult
    package func declareQueue(_ name: String, options: AMQPQueueOptions = .durable) async throws(AMQPError) -> AMQPDeclareResult {
        try await submit { core throws(AMQPError) in try core.declareQueueJob(name, options: options) }
    }

    /// Publishes the batch with publisher confirms and returns one outcome per message, in
    /// the same order. The whole batch is pipelined (within `AMQPPublishPolicy` windows),
    /// then confirms are awaited. With `declaring`, each distinct routing key of a
    /// default-exchange message is declared as a queue first (once per connection).
    /// If the connection breaks, the client reconnects and republishes what was not yet
    /// confirmed (same message_id), within the policy's attempt/time budget; the rest is
    /// `.failed`. Never throws.
    package func publish(_ batch: [AMQPOutboundMessage], declaring options: AMQPQueueOptions? = nil) async -> [AMQPPublishOutcome] {
        if batch.isEmpty { return [] }
        do {
            return try await submit { core in core.publishJob(batch, declaring: options) }
        } catch {
            return Array(repeating: .failed(error.description), count: batch.count)
        }
    }

    /// Declares a durable exchange of `type` (`topic`, `direct`, `fanout`); idempotent.
    package func declareExchange(_ name: String, type: String) async throws(AMQPError) {
        try await submit { core throws(AMQPError) in try core.declareExchangeJob(name, type: type) }
    }

    /// Binds a queue to an exchange with a routing key (pattern, for a topic exchange); idempotent.
    package func bind(queue: String, exchange: String, routingKey: String) async throws(AMQPError) {
        try await submit { core throws(AMQPError) in
            try core.bindingJob(queue: queue, exchange: exchange, routingKey: routingKey, bind: true)
        }
    }

    /// Removes a binding; removing one that does not exist succeeds.
    package func unbind(queue: String, exchange: String, routingKey: String) async throws(AMQPError) {
        try await submit { core throws(AMQPError) in
            try core.bindingJob(queue: queue, exchange: exchange, routingKey: routingKey, bind: false)
        }
    }

    /// Number of ready messages in a queue (passive declare). `.queueNotFound` if it does not exist.
    package func messageCount(queue: String) async throws(AMQPError) -> UInt32 {
        try await submit { core throws(AMQPError) in try core.messageCountJob(queue) }
    }

    /// basic.get with auto-ack (for tests and tools). nil when the queue is empty.
    package func get(queue: String) async throws(AMQPError) -> AMQPDelivery? {
        try await submit { core throws(AMQPError) in try core.getJob(queue) }
    }

    /// Removes all ready messages; returns how many.
    @discardableResult
    package func purge(queue: String) async throws(AMQPError) -> UInt32 {
        try await submit { core throws(AMQPError) in try core.purgeJob(queue) }
    }

    /// Deletes a queue (deleting a missing queue succeeds).
    package func deleteQueue(_ name: String) async throws(AMQPError) {
        try await submit { core throws(AMQPError) in try core.deleteQueueJob(name) }
    }

    /// Whether the client currently has an open connection (for readiness probes). Non-blocking.
    package var isConnected: Bool { status.snapshot.connected }

    /// The broker node of the open connection (one of `settings.endpoints`), nil while
    /// disconnected. Non-blocking.
    package var connectedNode: AMQPEndpoint? { status.snapshot.connectedNode }

    /// The last connection error while disconnected (operator-readable), nil when connected.
    package var lastError: String? { status.snapshot.lastError }

    /// Whether the link is down for readiness: not connected yet, or without a connection for
    /// `grace` or longer, so that a reconnect to another node of a cluster is no outage.
    /// Non-blocking.
    package func isDown(grace: Duration) -> Bool { status.isDown(grace: grace) }

    /// How many times a connection was established (1 after the first connect; each
    /// reconnect adds one). Useful as a metric; `AMQPDelivery.epoch` of `get` is this value.
    package var connectionGeneration: UInt64 { status.snapshot.epoch }

    /// Closes channel and connection politely and stops the thread. Calls made afterwards
    /// fail with `.closed` (publish: `.failed`).
    package func close() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            if !mailbox.postFinal(.close(cont)) { cont.resume() }
        }
    }
}

import CRabbitMQ
import Foundation
import Logging
import Synchronization

/// A consumer on its own connection and thread: manual acknowledgement, prefetch, batches.
///
/// `batches()` starts it: it connects, declares the queue (an existing queue with other
/// arguments is used as it is), sets `basic.qos(prefetch)` and consumes with manual acks.
/// Deliveries are yielded in batches: after the first delivery arrives, whatever is already
/// received is read without blocking, up to `maxBatch`, and yielded together.
///
/// After a connection or channel failure it reconnects by itself (capped exponential
/// back-off, one warning per outage), re-declares, re-qos's, re-consumes, bumps `epoch` and
/// keeps yielding into the same stream. Deliveries of an older epoch can no longer be acked
/// (the broker has requeued them; they come again with `redelivered == true`): such acks are
/// dropped.
package final class AMQPConsumer: Sendable {
    enum Job: Sendable {
        case ack(UInt64, epoch: UInt64, multiple: Bool)
        case reject(UInt64, epoch: UInt64, requeue: Bool)
        case pause(CheckedContinuation<Void, Never>?)
        case resume(CheckedContinuation<Void, Never>?)
        case close(CheckedContinuation<Void, Never>?)
    }

    struct Config: Sendable {
        var settings: AMQPSettings
        var queue: String
        var options: AMQPQueueOptions
        var prefetch: UInt16
        var maxUnackedBytes: Int
        var maxBatch: Int
        var connectionName: String
        var logger: Logger
    }

    private enum RunState { case idle, running, closed }

    package let queue: String
    private let config: Config
    private let mailbox = Mailbox<Job>()
    private let status = LinkStatus()
    private let runState = Mutex(RunState.idle)
    private let stream: AsyncStream<[AMQPDelivery]>
    private let continuation: AsyncStream<[AMQPDelivery]>.Continuation

    /// - Parameters:
    ///   - prefetch: unacknowledged deliveries the broker may send at once (`basic.qos`).
    ///   - maxUnackedBytes: bytes (bodies and headers) held unacknowledged at once, at most (plus
    ///     one delivery): the
    ///     broker has no byte limit of its own (`prefetch_size` is not implemented), so past it the
    ///     consumer stops reading from the socket until acknowledgements bring it below, and TCP
    ///     holds the broker back. Without it, `prefetch` large messages could be held at once.
    package init(settings: AMQPSettings, queue: String, options: AMQPQueueOptions = .durable,
                prefetch: UInt16 = 200, maxUnackedBytes: Int = 64 << 20, maxBatch: Int = 100,
                logger: Logger, name: String? = nil) {
        self.queue = queue
        var logger = logger
        let connName = name ?? "consumer \(queue)"
        logger[metadataKey: "amqp.queue"] = "\(queue)"
        logger[metadataKey: "amqp.connection"] = "\(connName)"
        self.config = Config(settings: settings, queue: queue, options: options, prefetch: prefetch,
                             maxUnackedBytes: max(1, maxUnackedBytes), maxBatch: max(1, maxBatch),
                             connectionName: settings.connectionName.map { "\($0) \(connName)" } ?? connName,
                             logger: logger)
        (stream, continuation) = AsyncStream.makeStream(of: [AMQPDelivery].self, bufferingPolicy: .unbounded)
        let mailbox = self.mailbox
        continuation.onTermination = { reason in
            // The iterating task was cancelled: stop consuming.
            if case .cancelled = reason { mailbox.postFinal(.close(nil)) }
        }
    }

    deinit {
        mailbox.postFinal(.close(nil))
        continuation.finish()
    }

    /// The stream of delivery batches (one stream per consumer; iterate it from one task).
    /// The first call starts the consumer. The stream finishes after `close()`. Cancelling
    /// the task that iterates it also closes the consumer (unacked deliveries are requeued).
    package func batches() -> AsyncStream<[AMQPDelivery]> {
        let start = runState.withLock { s -> Bool in
            guard s == .idle else { return false }
            s = .running
            return true
        }
        if start {
            let config = self.config
            let mailbox = self.mailbox
            let status = self.status
            let continuation = self.continuation
            let thread = Thread {
                ConsumerCore(config: config, mailbox: mailbox, status: status, continuation: continuation).run()
            }
            thread.name = "amqp-consumer-\(queue)"
            thread.start()
        }
        return stream
    }

    /// Acknowledges every delivery up to and including `tag` (basic.ack multiple=1).
    package func ack(upTo tag: UInt64, epoch: UInt64) {
        mailbox.post(.ack(tag, epoch: epoch, multiple: true))
    }

    /// Acknowledges one delivery.
    package func ack(_ tag: UInt64, epoch: UInt64) {
        mailbox.post(.ack(tag, epoch: epoch, multiple: false))
    }

    /// Rejects one delivery; with `requeue` it goes back to the queue, else it is dropped
    /// (or dead-lettered if the queue has a dead-letter exchange).
    package func reject(_ tag: UInt64, epoch: UInt64, requeue: Bool) {
        mailbox.post(.reject(tag, epoch: epoch, requeue: requeue))
    }

    /// Stops receiving: the consumer reads nothing more from its socket until `resume()`, so
    /// TCP holds the broker back and nothing more is taken into memory (a `basic.cancel` would
    /// have to read every delivery already on its way before the broker's answer). Unacked
    /// deliveries stay unacked and can still be acked or rejected. Batches yielded before the
    /// call may still be in the stream. Returns once the consumer thread has taken it.
    package func pause() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            if !mailbox.post(.pause(cont)) { cont.resume() }
        }
    }

    /// Ends the stream of batches after the batches already in it, while the consumer stays
    /// open, so that what was taken can still be acknowledged (`close()` ends the stream too,
    /// but returns what was not acknowledged to the queue). Call `pause()` first: a batch read
    /// after this is not delivered, and stays unacknowledged until `close()`.
    package func finishBatches() {
        continuation.finish()
    }

    /// Receives again (basic.consume) after `pause()`.
    package func resume() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            if !mailbox.post(.resume(cont)) { cont.resume() }
        }
    }

    /// Whether the consumer currently has a connection with an active channel. Non-blocking.
    package var isConnected: Bool { status.snapshot.connected }

    /// True while the consumer reads nothing because `maxUnackedBytes` are unacknowledged.
    package var isHoldingBack: Bool { status.snapshot.holdingBack }

    /// The current epoch (channel generation); 0 before the first connection.
    package var epoch: UInt64 { status.snapshot.epoch }

    /// The broker node the consumer is connected to (one of `settings.endpoints`), nil while
    /// disconnected. Non-blocking.
    package var connectedNode: AMQPEndpoint? { status.snapshot.connectedNode }

    /// The last connection error while disconnected, nil when connected.
    package var lastError: String? { status.snapshot.lastError }

    /// Whether the link is down for readiness: not connected yet, or without a connection for
    /// `grace` or longer, so that a reconnect to another node of a cluster is no outage.
    /// Non-blocking.
    package func isDown(grace: Duration) -> Bool { status.isDown(grace: grace) }

    /// Cancels the consumer, closes channel and connection (unacked deliveries go back to the
    /// queue) and finishes the stream. Acks posted before `close()` are sent first.
    package func close() async {
        let wasRunning = runState.withLock { s -> Bool in
            let r = s == .running
            s = .closed
            return r
        }
        if wasRunning {
            await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
                if !mailbox.postFinal(.close(cont)) { cont.resume() }
            }
        } else {
            mailbox.postFinal(.close(nil))
            continuation.finish()
        }
    }
}

// MARK: - The consumer thread

final class ConsumerCore {
    let config: AMQPConsumer.Config
    let mailbox: Mailbox<AMQPConsumer.Job>
    let status: LinkStatus
    let continuation: AsyncStream<[AMQPDelivery]>.Continuation
    let logger: Logger
    let consumerTag: String

    private var conn: AMQPConnection?
    private var supervisor: ConnectionSupervisor
    private var epoch: UInt64 = 0
    private var consuming = false
    private var paused = false
    /// Deliveries read on the current channel and not yet acknowledged: tag and body size.
    private var unacked = UnackedDeliveries()
    private var lastHeartbeatSent = ContinuousClock.now

    init(config: AMQPConsumer.Config, mailbox: Mailbox<AMQPConsumer.Job>, status: LinkStatus,
         continuation: AsyncStream<[AMQPDelivery]>.Continuation) {
        self.config = config
        self.mailbox = mailbox
        self.status = status
        self.continuation = continuation
        self.logger = config.logger
        self.consumerTag = "hubd.\(config.queue).\(UUID().uuidString.prefix(8))"
        self.supervisor = ConnectionSupervisor(settings: config.settings, logger: config.logger)
    }

    private var idleInterval: Duration {
        let hb = config.settings.heartbeat
        return hb > .zero ? min(hb / 4, .seconds(1)) : .seconds(1)
    }

    func run() {
        while true {
            var closing = false
            var closeWaiters: [CheckedContinuation<Void, Never>?] = []
            for job in mailbox.take() {
                switch job {
                case .ack(let tag, let ep, let multiple):
                    ack(tag, epoch: ep, multiple: multiple)
                case .reject(let tag, let ep, let requeue):
                    reject(tag, epoch: ep, requeue: requeue)
                case .pause(let cont):
                    setPaused(true)
                    cont?.resume()
                case .resume(let cont):
                    setPaused(false)
                    cont?.resume()
                case .close(let cont):
                    closing = true
                    closeWaiters.append(cont)
                }
            }
            if closing {
                shutdown()
                continuation.finish()
                for c in closeWaiters { c?.resume() }
                return
            }
            step()
        }
    }

    private func step() {
        guard let conn, conn.isOpen else {
            let wait = supervisor.nextAttempt - .now
            if wait > .zero {
                mailbox.wait(fd: nil, timeout: wait)
            } else {
                connectAndSetup()
            }
            return
        }
        let holdingBack = isHoldingBack
        if holdingBack != status.snapshot.holdingBack { status.update { $0.holdingBack = holdingBack } }
        if holdingBack {
            // Paused, or over the byte budget: read nothing until resumed or until
            // acknowledgements bring it down, so that TCP holds the broker back, and keep the
            // connection alive meanwhile.
            mailbox.wait(fd: nil, timeout: idleInterval)
            keepAlive(conn)
            return
        }
        if !conn.hasBufferedInput {
            mailbox.wait(fd: conn.socketFD, timeout: idleInterval)
        }
        pump(conn)
    }

    /// Whether the consumer reads nothing now: paused, or its byte budget unacknowledged.
    private var isHoldingBack: Bool { paused || unacked.bytes >= config.maxUnackedBytes }

    /// Sends a heartbeat frame when none was sent for half the heartbeat interval: rabbitmq-c
    /// sends heartbeats only while it reads, and the consumer is not reading.
    private func keepAlive(_ c: AMQPConnection) {
        let interval = config.settings.heartbeat
        guard interval > .zero, ContinuousClock.now - lastHeartbeatSent >= interval / 2 else { return }
        lastHeartbeatSent = .now
        do {
            try c.sendHeartbeat()
        } catch {
            failed(error, c)
        }
    }

    // MARK: Connection and channel set-up

    private func connectAndSetup() {
        var loggedIn = false
        do {
            let c = try supervisor.open(name: config.connectionName)
            loggedIn = true
            conn = c
            try c.openChannel()
            try setupChannel(c)
            supervisor.connected()
        } catch {
            conn?.destroy()
            conn = nil
            consuming = false
            if loggedIn { supervisor.setupFailed(error) } else { supervisor.connectFailed(error) }
            status.update { $0.connected = false; $0.lastError = error.description }
        }
    }

    /// Declare, qos, consume on the (new) current channel; bumps the epoch.
    private func setupChannel(_ c: AMQPConnection) throws(AMQPError) {
        epoch &+= 1
        unacked.removeAll()  // their tags belonged to the previous channel
        consuming = false
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        _ = amqp_queue_declare(st, c.channel, arena.bytes(config.queue), 0, config.options.durable ? 1 : 0, 0, 0,
                               arena.table(config.options.arguments))
        do throws(AMQPError) {
            try c.checkLastReply("queue.declare '\(config.queue)'")
        } catch .channelClosed(406, let text) {
            logger.notice("AMQP queue exists with different arguments; consuming from it as it is",
                          metadata: ["amqp.text": "\(text)"])
            try c.openChannel()
        }
        guard let st = c.state else { throw .closed }
        _ = amqp_basic_qos(st, c.channel, 0, config.prefetch, 0)
        try c.checkLastReply("basic.qos")
        try startConsuming(c)
        let ep = epoch
        let node = supervisor.endpoint
        status.update { $0 = .init(connected: true, epoch: ep, lastError: nil, node: node) }
        logger.debug("AMQP consumer ready", metadata: ["amqp.epoch": "\(ep)", "amqp.paused": "\(paused)"])
    }

    private func startConsuming(_ c: AMQPConnection) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        _ = amqp_basic_consume(st, c.channel, arena.bytes(config.queue), arena.bytes(consumerTag), 0, 0, 0,
                               amqp_empty_table)
        try c.checkLastReply("basic.consume '\(config.queue)'")
        consuming = true
    }

    private func stopConsuming(_ c: AMQPConnection) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        _ = amqp_basic_cancel(st, c.channel, arena.bytes(consumerTag))
        consuming = false
        try c.checkLastReply("basic.cancel")
    }

    private func lost(_ error: AMQPError) {
        conn?.destroy()
        conn = nil
        consuming = false
        unacked.removeAll()
        supervisor.connectionLost(error)
        status.update { $0.connected = false; $0.lastError = error.description }
    }

    /// A channel-level failure: close what is left of the channel (so the broker requeues its
    /// unacked deliveries), open a new one and set it up again. Connection failures → `lost`.
    private func failed(_ error: AMQPError, _ c: AMQPConnection) {
        guard error.isChannelLevel, c.isOpen else {
            lost(error)
            return
        }
        logger.warning("AMQP consumer channel failed; reopening it", metadata: ["error": "\(error)"])
        consuming = false
        unacked.removeAll()
        do {
            try c.closeChannel()
            try c.openChannel()
            try setupChannel(c)
        } catch {
            // Could not set the channel up again: start over with a new connection (with back-off).
            conn?.destroy()
            conn = nil
            consuming = false
            supervisor.connectionLost(error)
            supervisor.connectFailed(error)
            status.update { $0.connected = false; $0.lastError = error.description }
        }
    }

    // MARK: Jobs

    private func currentConnection(for ep: UInt64, _ what: String, tag: UInt64) -> AMQPConnection? {
        guard let c = conn, c.isOpen, c.channelOpen, ep == epoch else {
            logger.debug("AMQP \(what) dropped: delivery belongs to an old channel (the broker redelivers it)",
                         metadata: ["amqp.tag": "\(tag)", "amqp.epoch": "\(ep)", "amqp.current_epoch": "\(epoch)"])
            return nil
        }
        return c
    }

    private func ack(_ tag: UInt64, epoch ep: UInt64, multiple: Bool) {
        guard let c = currentConnection(for: ep, "ack", tag: tag), let st = c.state else { return }
        guard unacked.settlesAnything(tag, multiple: multiple) else {
            logger.debug("AMQP ack dropped: nothing unacknowledged up to it", metadata: ["amqp.tag": "\(tag)"])
            return
        }
        do {
            try c.checkStatus(amqp_basic_ack(st, c.channel, tag, multiple ? 1 : 0), "basic.ack")
            unacked.settle(tag, multiple: multiple)
        } catch {
            failed(error, c)
        }
    }

    private func reject(_ tag: UInt64, epoch ep: UInt64, requeue: Bool) {
        guard let c = currentConnection(for: ep, "reject", tag: tag), let st = c.state else { return }
        guard unacked.settlesAnything(tag, multiple: false) else { return }
        do {
            try c.checkStatus(amqp_basic_reject(st, c.channel, tag, requeue ? 1 : 0), "basic.reject")
            unacked.settle(tag, multiple: false)
        } catch {
            failed(error, c)
        }
    }

    private func setPaused(_ p: Bool) {
        guard p != paused else { return }
        paused = p
        // Said at once, so that a caller sees it when `pause()` returns.
        let holdingBack = isHoldingBack
        status.update { $0.holdingBack = holdingBack }
        logger.info(p ? "AMQP consumer paused" : "AMQP consumer resumed")
    }

    private func shutdown() {
        if let c = conn, c.isOpen {
            if isHoldingBack {
                // Not reading: a polite close would read every delivery on its way first. The
                // broker requeues what was not acknowledged either way; acks already went out.
                c.destroy()
            } else {
                if consuming, c.channelOpen { try? stopConsuming(c) }
                c.closeGracefully()  // channel.close requeues unacked deliveries
            }
        }
        conn = nil
        status.update { $0.connected = false; $0.lastError = AMQPError.closed.description }
        logger.debug("AMQP consumer closed")
    }

    // MARK: Reading

    /// Reads what is available without blocking (beyond completing a message whose first
    /// frame has arrived), up to maxBatch deliveries, and yields them.
    private func pump(_ c: AMQPConnection) {
        var batch: [AMQPDelivery] = []
        do throws(AMQPError) {
            while batch.count < config.maxBatch, unacked.bytes < config.maxUnackedBytes {
                guard let st = c.state else { throw .closed }
                var env = amqp_envelope_t()
                var tv = timeval(tv_sec: 0, tv_usec: 0)
                let r = amqp_consume_message(st, &env, &tv, 0)
                if r.reply_type == AMQP_RESPONSE_NORMAL {
                    let d = AMQPDelivery(
                        deliveryTag: env.delivery_tag, epoch: epoch, redelivered: env.redelivered != 0,
                        exchange: CDecode.string(env.exchange), routingKey: CDecode.string(env.routing_key),
                        properties: CDecode.properties(env.message.properties), body: CDecode.bytes(env.message.body))
                    let ch = env.channel
                    amqp_destroy_envelope(&env)
                    c.releaseBuffers()
                    if ch == c.channel {
                        batch.append(d)
                        unacked.add(d.deliveryTag, bytes: d.body.count + d.properties.encodedSize)
                    }
                    continue
                }
                if r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
                    if r.library_error == AMQP_STATUS_TIMEOUT.rawValue { break }
                    if r.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                        // Not a delivery: the frame was put back; read and handle it.
                        var frame = amqp_frame_t()
                        try c.checkStatus(amqp_simple_wait_frame(st, &frame), "reading from broker")
                        try handle(try c.interpret(frame), c)
                        c.releaseBuffers()
                        continue
                    }
                }
                try c.check(r, "consuming from '\(config.queue)'")
            }
        } catch {
            // Deliveries of a failed channel cannot be acked any more: the broker requeues them.
            failed(error, c)
            return
        }
        guard !batch.isEmpty else { return }
        continuation.yield(batch)
    }

    private func handle(_ ev: InboundEvent, _ c: AMQPConnection) throws(AMQPError) {
        switch ev {
        case .channelClosed(let ch, let code, let text) where ch == c.channel:
            throw .channelClosed(code: code, text: text)
        case .basicCancel(let ch, _) where ch == c.channel:
            consuming = false
            throw .channelClosed(code: 0, text: "consumer cancelled by the broker (queue deleted?)")
        case .blocked(let reason):
            logger.warning("AMQP broker blocked the connection (resource alarm)", metadata: ["amqp.reason": "\(reason)"])
        case .unblocked:
            logger.notice("AMQP broker unblocked the connection")
        default:
            break
        }
    }
}

import CRabbitMQ
import Foundation
import Logging

/// Tuning of `AMQPClient.publish`.
package struct AMQPPublishPolicy: Sendable, Equatable {
    /// Attempts per batch (the first one included). Each reconnect or channel error costs one.
    package var maxAttempts: Int = 3
    /// Time budget per batch for reconnecting and republishing; after it, the rest is `.failed`.
    package var retryWindow: Duration = .seconds(30)
    /// No confirm at all for this long while some are outstanding: the connection is presumed
    /// broken, dropped, and the unconfirmed messages are republished on a new one.
    package var confirmTimeout: Duration = .seconds(15)
    /// Publish window: at most this many unconfirmed messages / bytes in flight.
    package var maxOutstanding: Int = 1000
    package var maxOutstandingBytes: Int = 64 << 20

    package init() {}
}

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

    package init(settings: AMQPSettings, name: String, logger: Logger,
                publishPolicy: AMQPPublishPolicy = AMQPPublishPolicy()) {
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
                                  policy: policy, mailbox: mailbox, status: status)
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

    /// The last connection error while disconnected (operator-readable), nil when connected.
    package var lastError: String? { status.snapshot.lastError }

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

// MARK: - The connection thread

/// Lives on the client's thread only.
final class ClientCore {
    let settings: AMQPSettings
    let connectionName: String
    let logger: Logger
    let policy: AMQPPublishPolicy
    let mailbox: Mailbox<AMQPClient.Job>
    let status: LinkStatus

    private var conn: AMQPConnection?
    private var supervisor: ConnectionSupervisor
    private var generation: UInt64 = 0
    // Per connection:
    private var declared: Set<String> = []
    private var exchangesOK: Set<String> = []
    private var confirmMode = false
    private var publishSeq: UInt64 = 0
    // For the client's lifetime: queues declared through it, re-declared after reconnects.
    private var knownQueues: [String: AMQPQueueOptions] = [:]

    init(settings: AMQPSettings, connectionName: String, logger: Logger, policy: AMQPPublishPolicy,
         mailbox: Mailbox<AMQPClient.Job>, status: LinkStatus) {
        self.status = status
        self.settings = settings
        self.connectionName = connectionName
        self.logger = logger
        self.policy = policy
        self.mailbox = mailbox
        self.supervisor = ConnectionSupervisor(settings: settings, logger: logger)
    }

    var isConnected: Bool { conn?.isOpen ?? false }

    private var idleInterval: Duration {
        let hb = settings.heartbeat
        return hb > .zero ? min(hb / 4, .seconds(1)) : .seconds(1)
    }

    func run() {
        while true {
            var closeWaiters: [CheckedContinuation<Void, Never>?] = []
            var closing = false
            for job in mailbox.take() {
                switch job {
                case .run(let body):
                    body(self)
                    conn?.releaseBuffers()
                case .close(let cont):
                    closing = true
                    closeWaiters.append(cont)
                }
            }
            if closing {
                conn?.closeGracefully()
                conn = nil
                status.update { $0.connected = false; $0.lastError = AMQPError.closed.description }
                logger.debug("AMQP client closed")
                for c in closeWaiters { c?.resume() }
                return
            }
            idle()
        }
    }

    /// Between jobs: service heartbeats and asynchronous frames, or reconnect in the background.
    private func idle() {
        if let conn, conn.isOpen {
            if !conn.hasBufferedInput {
                mailbox.wait(fd: conn.socketFD, timeout: idleInterval)
            }
            do {
                while let ev = try conn.nextEvent(timeout: .zero) { handleIdleEvent(ev, conn) }
                conn.releaseBuffers()
            } catch {
                if !conn.isOpen { lost(error) }
            }
        } else {
            let wait = supervisor.nextAttempt - .now
            if wait > .zero {
                mailbox.wait(fd: nil, timeout: wait)
                return
            }
            _ = try? connectOnce()
        }
    }

    private func handleIdleEvent(_ ev: InboundEvent, _ conn: AMQPConnection) {
        switch ev {
        case .channelClosed(let ch, let code, let text) where ch == conn.channel:
            logger.warning("AMQP channel closed by broker", metadata: ["amqp.code": "\(code)", "amqp.text": "\(text)"])
            confirmMode = false
        case .blocked(let reason):
            logger.warning("AMQP broker blocks publishing (resource alarm)", metadata: ["amqp.reason": "\(reason)"])
        case .unblocked:
            logger.notice("AMQP broker unblocked publishing")
        default:
            break
        }
    }

    // MARK: Connection management

    private func connectOnce() throws(AMQPError) -> AMQPConnection {
        do {
            let c = try AMQPConnection.connect(settings: settings, name: connectionName)
            try c.openChannel()
            try confirmSelect(c)
            conn = c
            generation &+= 1
            declared.removeAll()
            exchangesOK.removeAll()
            supervisor.connected()
            let gen = generation
            status.update { $0 = .init(connected: true, epoch: gen, lastError: nil) }
            return c
        } catch {
            conn = nil
            supervisor.connectFailed(error)
            status.update { $0.connected = false; $0.lastError = error.description }
            throw error
        }
    }

    private func lost(_ error: AMQPError) {
        conn?.destroy()
        conn = nil
        confirmMode = false
        supervisor.connectionLost(error)
        status.update { $0.connected = false; $0.lastError = error.description }
    }

    private func confirmSelect(_ c: AMQPConnection) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        _ = amqp_confirm_select(st, c.channel)
        try c.checkLastReply("confirm.select")
        confirmMode = true
        publishSeq = 0  // delivery tags restart at 1 on every channel
    }

    /// Open connection with an open channel in confirm mode.
    private func ready(_ c: AMQPConnection) throws(AMQPError) {
        if !c.channelOpen {
            try c.openChannel()
            confirmMode = false
        }
        if !confirmMode { try confirmSelect(c) }
    }

    /// For single operations: the current connection, or one new attempt at once.
    private func connectionForOperation() throws(AMQPError) -> AMQPConnection {
        let c: AMQPConnection
        if let existing = conn, existing.isOpen {
            c = existing
        } else {
            c = try connectOnce()
        }
        try ready(c)
        return c
    }

    /// For publishing: keeps trying (with back-off) until `deadline`.
    private func connection(until deadline: ContinuousClock.Instant) throws(AMQPError) -> AMQPConnection {
        while true {
            if let c = conn, c.isOpen {
                try ready(c)
                return c
            }
            let now = ContinuousClock.now
            if supervisor.nextAttempt > now {
                if supervisor.nextAttempt > deadline {
                    throw supervisor.lastError ?? .timeout("reconnecting to \(settings.address)")
                }
                // Sleep in slices so that close() is not held up by the back-off.
                while ContinuousClock.now < supervisor.nextAttempt {
                    if mailbox.isClosed { throw .closed }
                    sleepOnThread(min(supervisor.nextAttempt - .now, .milliseconds(50)))
                }
            }
            if mailbox.isClosed { throw .closed }
            do {
                return try connectOnce()
            } catch {
                if ContinuousClock.now >= deadline { throw error }
            }
        }
    }

    /// Runs `body` on the connection; a connection-level failure drops the connection and
    /// retries once on a new one. Channel-level errors are returned (channel reopened later).
    private func operation<T>(_ body: (AMQPConnection) throws(AMQPError) -> T) throws(AMQPError) -> T {
        var attempt = 0
        while true {
            attempt += 1
            let c = try connectionForOperation()
            do {
                return try body(c)
            } catch {
                if error.isChannelLevel && c.isOpen {
                    confirmMode = false
                    throw error
                }
                lost(error)
                if attempt >= 2 { throw error }
            }
        }
    }

    // MARK: Administration

    private func declareOnChannel(_ c: AMQPConnection, _ name: String, _ options: AMQPQueueOptions) throws(AMQPError) -> AMQPDeclareResult {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        _ = amqp_queue_declare(st, c.channel, arena.bytes(name), 0, options.durable ? 1 : 0, 0, 0,
                               arena.table(options.arguments))
        do throws(AMQPError) {
            try c.checkLastReply("queue.declare '\(name)'")
        } catch .channelClosed(406, let text) {
            // Exists with other arguments: usable. Reopen the channel for what follows.
            declared.insert(name)
            logger.notice("AMQP queue exists with different arguments; using it as it is",
                          metadata: ["amqp.queue": "\(name)", "amqp.text": "\(text)"])
            try ready(c)
            return .existsWithDifferentArguments(text)
        }
        declared.insert(name)
        return .declared
    }

    func declareQueueJob(_ name: String, options: AMQPQueueOptions) throws(AMQPError) -> AMQPDeclareResult {
        let r = try operation { c throws(AMQPError) in try declareOnChannel(c, name, options) }
        knownQueues[name] = options
        return r
    }

    func messageCountJob(_ queue: String) throws(AMQPError) -> UInt32 {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let ok = amqp_queue_declare(st, c.channel, arena.bytes(queue), 1, 0, 0, 0, amqp_empty_table)
            do throws(AMQPError) {
                try c.checkLastReply("queue.declare(passive) '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            guard let ok else { throw .protocolError("queue.declare-ok missing") }
            return ok.pointee.message_count
        }
    }

    func getJob(_ queue: String) throws(AMQPError) -> AMQPDelivery? {
        let gen = generation
        return try operation { c throws(AMQPError) -> AMQPDelivery? in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let reply = amqp_basic_get(st, c.channel, arena.bytes(queue), 1)
            do throws(AMQPError) {
                try c.check(reply, "basic.get '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            if reply.reply.id == AMQP_BASIC_GET_EMPTY_METHOD { return nil }
            guard reply.reply.id == AMQP_BASIC_GET_OK_METHOD, let d = reply.reply.decoded else {
                throw .protocolError("unexpected reply to basic.get")
            }
            let m = d.assumingMemoryBound(to: amqp_basic_get_ok_t.self).pointee
            let tag = m.delivery_tag
            let redelivered = m.redelivered != 0
            let exchange = CDecode.string(m.exchange)
            let rk = CDecode.string(m.routing_key)
            var msg = amqp_message_t()
            try c.check(amqp_read_message(st, c.channel, &msg, 0), "reading message from '\(queue)'")
            defer { amqp_destroy_message(&msg) }
            return AMQPDelivery(deliveryTag: tag, epoch: gen, redelivered: redelivered, exchange: exchange,
                                routingKey: rk, properties: CDecode.properties(msg.properties),
                                body: CDecode.bytes(msg.body))
        }
    }

    func purgeJob(_ queue: String) throws(AMQPError) -> UInt32 {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            let ok = amqp_queue_purge(st, c.channel, arena.bytes(queue))
            do throws(AMQPError) {
                try c.checkLastReply("queue.purge '\(queue)'")
            } catch .channelClosed(404, _) {
                throw .queueNotFound(queue)
            }
            return ok?.pointee.message_count ?? 0
        }
    }

    func deleteQueueJob(_ name: String) throws(AMQPError) {
        try operation { c throws(AMQPError) in
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            _ = amqp_queue_delete(st, c.channel, arena.bytes(name), 0, 0)
            try c.checkLastReply("queue.delete '\(name)'")
        }
        declared.remove(name)
        knownQueues[name] = nil
    }

    // MARK: Publishing

    func publishJob(_ batch: [AMQPOutboundMessage], declaring: AMQPQueueOptions?) -> [AMQPPublishOutcome] {
        var outcomes = [AMQPPublishOutcome?](repeating: nil, count: batch.count)
        let started = ContinuousClock.now
        let deadline = started + policy.retryWindow
        var attempt = 0
        var lastError: AMQPError?
        while outcomes.contains(where: { $0 == nil }) {
            if attempt > 0 && mailbox.isClosed {
                for i in outcomes.indices where outcomes[i] == nil {
                    outcomes[i] = .failed("client closed before confirmation: \(lastError?.description ?? "")")
                }
                break
            }
            if attempt >= policy.maxAttempts || (attempt > 0 && ContinuousClock.now >= deadline) {
                let secs = ((ContinuousClock.now - started).seconds * 10).rounded() / 10
                let why = "not confirmed after \(attempt) attempt(s) in \(secs) s: \(lastError?.description ?? "unknown error")"
                for i in outcomes.indices where outcomes[i] == nil { outcomes[i] = .failed(why) }
                logger.warning("AMQP publish gave up", metadata: ["error": "\(why)"])
                break
            }
            attempt += 1
            do {
                let c = try connection(until: deadline)
                try publishAttempt(c, batch, declaring: declaring, outcomes: &outcomes)
            } catch {
                lastError = error
                if error.isChannelLevel && (conn?.isOpen ?? false) {
                    confirmMode = false
                    logger.warning("AMQP channel error while publishing; reopening the channel",
                                   metadata: ["error": "\(error)"])
                } else if conn != nil {
                    // Broken (or unresponsive) connection: drop it; unconfirmed messages are
                    // republished on the next one.
                    lost(error)
                }
            }
        }
        return outcomes.map { $0! }
    }

    private func publishAttempt(_ c: AMQPConnection, _ batch: [AMQPOutboundMessage], declaring: AMQPQueueOptions?,
                                outcomes: inout [AMQPPublishOutcome?]) throws(AMQPError) {
        // 1. Declare queues (once per connection).
        if declaring != nil || !knownQueues.isEmpty {
            var seen = Set<String>()
            for (i, m) in batch.enumerated() where outcomes[i] == nil && m.exchange.isEmpty {
                let q = m.routingKey
                guard !q.isEmpty, !q.hasPrefix("amq."), !declared.contains(q), seen.insert(q).inserted else { continue }
                guard let opts = declaring ?? knownQueues[q] else { continue }
                do {
                    _ = try declareOnChannel(c, q, opts)
                } catch {
                    guard error.isChannelLevel else { throw error }
                    try ready(c)
                    logger.warning("AMQP cannot declare queue", metadata: ["amqp.queue": "\(q)", "error": "\(error)"])
                    for (j, m2) in batch.enumerated() where outcomes[j] == nil && m2.exchange.isEmpty && m2.routingKey == q {
                        outcomes[j] = .failed("cannot declare queue '\(q)': \(error)")
                    }
                }
            }
        }
        // 2. Check named exchanges (a publish to a missing exchange would close the channel
        //    without telling which message caused it).
        var seenEx = Set<String>()
        for (i, m) in batch.enumerated() where outcomes[i] == nil && !m.exchange.isEmpty {
            let ex = m.exchange
            guard !exchangesOK.contains(ex), seenEx.insert(ex).inserted else { continue }
            guard let st = c.state else { throw .closed }
            let arena = CArena()
            _ = amqp_exchange_declare(st, c.channel, arena.bytes(ex), arena.bytes(""), 1, 0, 0, 0, amqp_empty_table)
            do {
                try c.checkLastReply("exchange.declare(passive) '\(ex)'")
                exchangesOK.insert(ex)
            } catch {
                guard error.isChannelLevel else { throw error }
                try ready(c)
                for (j, m2) in batch.enumerated() where outcomes[j] == nil && m2.exchange == ex {
                    outcomes[j] = .failed("exchange '\(ex)' is not usable: \(error)")
                }
            }
        }
        // 3. Pipeline.
        try ready(c)
        let todo = batch.indices.filter { outcomes[$0] == nil }
        if todo.isEmpty { return }
        var pipe = ConfirmTracker(firstTag: publishSeq + 1, capacity: todo.count)
        var lastProgress = ContinuousClock.now

        func handle(_ ev: InboundEvent) throws(AMQPError) {
            switch ev {
            case .basicAck(let ch, let tag, let multiple) where ch == c.channel:
                if pipe.settle(tag: tag, multiple: multiple, nack: false, batch: batch, outcomes: &outcomes) > 0 {
                    lastProgress = .now
                }
            case .basicNack(let ch, let tag, let multiple) where ch == c.channel:
                if pipe.settle(tag: tag, multiple: multiple, nack: true, batch: batch, outcomes: &outcomes) > 0 {
                    lastProgress = .now
                }
            case .basicReturn(let ch, let code, let text, let ex, let rk, let mid) where ch == c.channel:
                pipe.noteReturn(code: code, text: text, exchange: ex, routingKey: rk, messageId: mid, batch: batch)
            case .channelClosed(let ch, let code, let text) where ch == c.channel:
                throw .channelClosed(code: code, text: text)
            default:
                // Flow control (blocked, unblocked) is reported as when idle.
                handleIdleEvent(ev, c)
            }
        }

        func waitForProgress() throws(AMQPError) {
            let remaining = lastProgress + policy.confirmTimeout - .now
            if remaining <= .zero {
                throw .timeout("no publisher confirm from \(settings.address) for \(policy.confirmTimeout)")
            }
            if let ev = try c.nextEvent(timeout: min(remaining, .seconds(1))) {
                try handle(ev)
                c.releaseBuffers()
            }
        }

        for (n, idx) in todo.enumerated() {
            while c.blockedReason != nil || pipe.outstanding >= policy.maxOutstanding
                    || (pipe.outstandingBytes >= policy.maxOutstandingBytes && pipe.outstanding > 0) {
                if c.blockedReason != nil && pipe.outstanding == 0 {
                    // Blocked by a resource alarm: nothing will be confirmed; wait for unblock.
                    if (ContinuousClock.now - lastProgress) > policy.confirmTimeout {
                        throw .timeout("broker blocks publishing: \(c.blockedReason ?? "")")
                    }
                    if let ev = try c.nextEvent(timeout: .seconds(1)) { try handle(ev) }
                    continue
                }
                try waitForProgress()
            }
            try publishOne(c, batch[idx])
            publishSeq += 1
            pipe.published(index: idx, bytes: batch[idx].body.count)
            if n % 32 == 31 {
                while let ev = try c.nextEvent(timeout: .zero) { try handle(ev) }
            }
        }
        lastProgress = .now
        while pipe.outstanding > 0 {
            try waitForProgress()
        }
    }

    private func publishOne(_ c: AMQPConnection, _ m: AMQPOutboundMessage) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        let arena = CArena()
        var props = arena.properties(m.properties)
        let rc = m.body.withUnsafeBytes { body -> Int32 in
            let b = amqp_bytes_t(len: body.count, bytes: body.count > 0 ? UnsafeMutableRawPointer(mutating: body.baseAddress) : nil)
            return amqp_basic_publish(st, c.channel, arena.bytes(m.exchange), arena.bytes(m.routingKey),
                                      m.mandatory ? 1 : 0, 0, &props, b)
        }
        try c.checkStatus(rc, "basic.publish")
    }
}

/// Maps confirm delivery tags (1, 2, 3, … per channel) to batch indices.
struct ConfirmTracker {
    let firstTag: UInt64
    private var indices: [Int] = []           // tag - firstTag → batch index
    private var settled: [Bool] = []
    private var low = 0                        // lowest unsettled position
    private var returned: [Int: (Int, String)] = [:]   // batch index → basic.return
    private var bytes: [Int] = []
    private(set) var outstanding = 0
    private(set) var outstandingBytes = 0

    init(firstTag: UInt64, capacity: Int) {
        self.firstTag = firstTag
        indices.reserveCapacity(capacity)
        settled.reserveCapacity(capacity)
        bytes.reserveCapacity(capacity)
    }

    mutating func published(index: Int, bytes n: Int) {
        indices.append(index)
        settled.append(false)
        bytes.append(n)
        outstanding += 1
        outstandingBytes += n
    }

    /// Returns how many messages were settled.
    mutating func settle(tag: UInt64, multiple: Bool, nack: Bool, batch: [AMQPOutboundMessage],
                         outcomes: inout [AMQPPublishOutcome?]) -> Int {
        guard tag >= firstTag else { return 0 }
        let pos = Int(tag - firstTag)
        guard pos < indices.count else { return 0 }
        var count = 0
        func settleAt(_ p: Int) {
            guard !settled[p] else { return }
            settled[p] = true
            let idx = indices[p]
            if let (code, text) = returned[idx] {
                outcomes[idx] = .returned(replyCode: code, replyText: text)
            } else {
                outcomes[idx] = nack ? .nacked : .confirmed
            }
            outstanding -= 1
            outstandingBytes -= bytes[p]
            count += 1
        }
        if multiple {
            var p = low
            while p <= pos { settleAt(p); p += 1 }
        } else {
            settleAt(pos)
        }
        while low < settled.count && settled[low] { low += 1 }
        return count
    }

    /// A basic.return precedes the ack of the same message. Match by message_id, else by
    /// the earliest unsettled, not yet returned message with the same exchange and routing key.
    mutating func noteReturn(code: Int, text: String, exchange: String, routingKey: String, messageId: String?,
                             batch: [AMQPOutboundMessage]) {
        var fallback: Int?
        for p in low..<indices.count where !settled[p] {
            let idx = indices[p]
            guard returned[idx] == nil else { continue }
            let m = batch[idx]
            guard m.exchange == exchange && m.routingKey == routingKey else { continue }
            if let messageId, m.properties.messageId == messageId {
                returned[idx] = (code, text)
                return
            }
            if fallback == nil && (messageId == nil || m.properties.messageId == nil) { fallback = idx }
        }
        if let fallback { returned[fallback] = (code, text) }
    }
}

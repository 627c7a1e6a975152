import CRabbitMQ
import Foundation
import Logging

/// Lives on the client's thread only.
final class ClientCore {
    let settings: AMQPSettings
    let connectionName: String
    let logger: Logger
    let policy: AMQPPublishPolicy
    let mailbox: Mailbox<AMQPClient.Job>
    let status: LinkStatus

    var conn: AMQPConnection?
    var supervisor: ConnectionSupervisor
    var generation: UInt64 = 0
    // Per connection:
    var declared: Set<String> = []
    var exchangesOK: Set<String> = []
    var confirmMode = false
    var publishSeq: UInt64 = 0
    // For the client's lifetime: queues declared through it, re-declared after reconnects.
    var knownQueues: [String: AMQPQueueOptions] = [:]

    init(settings: AMQPSettings, connectionName: String, logger: Logger, policy: AMQPPublishPolicy,
         mailbox: Mailbox<AMQPClient.Job>, status: LinkStatus, queues: [String: AMQPQueueOptions]) {
        self.status = status
        self.knownQueues = queues
        self.settings = settings
        self.connectionName = connectionName
        self.logger = logger
        self.policy = policy
        self.mailbox = mailbox
        self.supervisor = ConnectionSupervisor(settings: settings, logger: logger)
    }

    var isConnected: Bool { conn?.isOpen ?? false }

    var idleInterval: Duration {
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
    func idle() {
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

    func handleIdleEvent(_ ev: InboundEvent, _ conn: AMQPConnection) {
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

    func connectOnce() throws(AMQPError) -> AMQPConnection {
        var loggedIn = false
        do {
            let c = try supervisor.open(name: connectionName)
            loggedIn = true
            try c.openChannel()
            try confirmSelect(c)
            conn = c
            generation &+= 1
            declared.removeAll()
            exchangesOK.removeAll()
            supervisor.connected()
            let gen = generation
            let node = supervisor.endpoint
            status.update { $0 = .init(connected: true, epoch: gen, lastError: nil, node: node) }
            return c
        } catch {
            conn = nil
            if loggedIn { supervisor.setupFailed(error) } else { supervisor.connectFailed(error) }
            status.update { $0.connected = false; $0.lastError = error.description }
            throw error
        }
    }

    func lost(_ error: AMQPError) {
        conn?.destroy()
        conn = nil
        confirmMode = false
        supervisor.connectionLost(error)
        status.update { $0.connected = false; $0.lastError = error.description }
    }

    func confirmSelect(_ c: AMQPConnection) throws(AMQPError) {
        guard let st = c.state else { throw .closed }
        _ = amqp_confirm_select(st, c.channel)
        try c.checkLastReply("confirm.select")
        confirmMode = true
        publishSeq = 0  // delivery tags restart at 1 on every channel
    }

    /// Open connection with an open channel in confirm mode.
    func ready(_ c: AMQPConnection) throws(AMQPError) {
        if !c.channelOpen {
            try c.openChannel()
            confirmMode = false
        }
        if !confirmMode { try confirmSelect(c) }
    }

    /// For single operations: the current connection, or one new attempt at once.
    func connectionForOperation() throws(AMQPError) -> AMQPConnection {
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
    func connection(until deadline: ContinuousClock.Instant) throws(AMQPError) -> AMQPConnection {
        while true {
            if let c = conn, c.isOpen {
                try ready(c)
                return c
            }
            let now = ContinuousClock.now
            if supervisor.nextAttempt > now {
                if supervisor.nextAttempt > deadline {
                    throw supervisor.lastError ?? .timeout("reconnecting to \(settings.addresses)")
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
    func operation<T>(_ body: (AMQPConnection) throws(AMQPError) -> T) throws(AMQPError) -> T {
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
}

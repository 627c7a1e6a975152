import Hub
import Logging

/// Reconnection bookkeeping shared by the client and the consumer threads: which node of the
/// list to try, the hub's `Backoff` between rounds, and one warning per outage (not one per
/// attempt).
///
/// Failover: a connection tries the endpoints in turn, from the one after the node it last
/// lost or could not set up (the first at start), until one answers; only when a whole round failed does it wait
/// (back-off) before the next round. So losing a node of a cluster costs one immediate
/// reconnect to the next node, and a list of one endpoint behaves as before.
struct ConnectionSupervisor {
    private let backoff: Backoff
    private(set) var nextAttempt: ContinuousClock.Instant = .now
    private(set) var outageStart: ContinuousClock.Instant?
    private(set) var lastError: AMQPError?
    private var failedAttempts = 0
    private var everConnected = false
    /// The endpoint connected to, or tried first in the next round.
    private(set) var current = 0
    let logger: Logger
    let settings: AMQPSettings

    init(settings: AMQPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.backoff = Backoff(
            initialDelay: settings.reconnectMinDelay.seconds, maximumDelay: settings.reconnectMaxDelay.seconds)
    }

    var inOutage: Bool { outageStart != nil }

    /// The endpoint connected to (or tried next).
    var endpoint: AMQPEndpoint { settings.endpoints[current] }

    /// Opens a connection to the first endpoint that answers, trying each once from `current`.
    /// With one endpoint its error is thrown as it is; with several, `.noBrokerAnswered` with
    /// every node's error. Blocks (each attempt is bounded by `connectTimeout`): call it on the
    /// connection's own thread.
    mutating func open(name: String) throws(AMQPError) -> AMQPConnection {
        let count = settings.endpoints.count
        var errors: [AMQPError] = []
        for step in 0..<count {
            let index = (current + step) % count
            do {
                let connection = try AMQPConnection.connect(settings: settings.pinned(to: index), name: name)
                current = index
                return connection
            } catch {
                errors.append(error)
                if count > 1 {
                    logger.debug("AMQP node did not answer; trying the next", metadata: [
                        "amqp.node": "\(settings.endpoints[index])", "error": "\(error)",
                    ])
                }
            }
        }
        if count == 1, let only = errors.first { throw only }
        throw .noBrokerAnswered(errors.map(\.description))
    }

    mutating func connectFailed(_ error: AMQPError) {
        lastError = error
        failedAttempts += 1
        nextAttempt = .now + backoff.duration(afterAttempt: failedAttempts)
        if outageStart == nil {
            outageStart = .now
            logger.warning("AMQP connection failed; retrying with back-off", metadata: [
                "amqp.broker": "\(settings.redacted)", "error": "\(error)",
                "amqp.backoff": "\(settings.reconnectMinDelay)…\(settings.reconnectMaxDelay)",
            ])
        } else {
            logger.debug("AMQP reconnect attempt failed", metadata: [
                "amqp.broker": "\(settings.redacted)", "error": "\(error)", "amqp.attempt": "\(failedAttempts)",
            ])
        }
    }

    /// A node took the login but the connection could not be set up on it (channel, confirm
    /// mode, a consumer's queue): a failed attempt like `connectFailed`, and the next round
    /// starts with the next node. `open` leaves `current` on the node that took the login, so
    /// without this a node that logs in but cannot serve (one cut off in a minority partition)
    /// would be the first tried in every round, for ever.
    mutating func setupFailed(_ error: AMQPError) {
        current = (current + 1) % settings.endpoints.count
        connectFailed(error)
    }

    /// An established connection broke: log once, retry at once (then back off), starting
    /// with the next node of the list.
    mutating func connectionLost(_ error: AMQPError) {
        lastError = error
        let lostNode = endpoint
        current = (current + 1) % settings.endpoints.count
        if outageStart == nil {
            outageStart = .now
            failedAttempts = 0
            logger.warning("AMQP connection lost; reconnecting", metadata: [
                "amqp.broker": "\(settings.redacted(lostNode))", "amqp.node": "\(lostNode)", "error": "\(error)",
            ])
        }
        nextAttempt = .now
    }

    mutating func connected() {
        let node: Logger.Metadata = [
            "amqp.broker": "\(settings.redacted(endpoint))", "amqp.node": "\(endpoint)",
        ]
        if let start = outageStart {
            let secs = (ContinuousClock.now - start).seconds
            logger.notice("AMQP connection re-established", metadata: node.merging([
                "amqp.outage_seconds": "\((secs * 10).rounded() / 10)",
                "amqp.failed_attempts": "\(failedAttempts)",
            ]) { $1 })
        } else if !everConnected {
            logger.info("AMQP connected", metadata: node)
        }
        everConnected = true
        outageStart = nil
        failedAttempts = 0
        lastError = nil
        nextAttempt = .now
    }
}

func sleepOnThread(_ d: Duration) {
    guard d > .zero else { return }
    var ts = timespec(tv_sec: Int(d.components.seconds),
                      tv_nsec: Int(d.components.attoseconds / 1_000_000_000))
    var rem = timespec()
    while nanosleep(&ts, &rem) != 0 && errno == EINTR { ts = rem }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Hub
import Logging

/// Reconnection bookkeeping shared by the client and the consumer threads: the hub's
/// `Backoff` between attempts, and one warning per outage (not one per attempt).
struct ConnectionSupervisor {
    private let backoff: Backoff
    private(set) var nextAttempt: ContinuousClock.Instant = .now
    private(set) var outageStart: ContinuousClock.Instant?
    private(set) var lastError: AMQPError?
    private var failedAttempts = 0
    private var everConnected = false
    let logger: Logger
    let settings: AMQPSettings

    init(settings: AMQPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        self.backoff = Backoff(
            initialDelay: settings.reconnectMinDelay.seconds, maximumDelay: settings.reconnectMaxDelay.seconds)
    }

    var inOutage: Bool { outageStart != nil }

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

    /// An established connection broke: log once, retry at once (then back off).
    mutating func connectionLost(_ error: AMQPError) {
        lastError = error
        if outageStart == nil {
            outageStart = .now
            failedAttempts = 0
            logger.warning("AMQP connection lost; reconnecting", metadata: [
                "amqp.broker": "\(settings.redacted)", "error": "\(error)",
            ])
        }
        nextAttempt = .now
    }

    mutating func connected() {
        if let start = outageStart {
            let secs = (ContinuousClock.now - start).seconds
            logger.notice("AMQP connection re-established", metadata: [
                "amqp.broker": "\(settings.redacted)",
                "amqp.outage_seconds": "\((secs * 10).rounded() / 10)",
                "amqp.failed_attempts": "\(failedAttempts)",
            ])
        } else if !everConnected {
            logger.info("AMQP connected", metadata: ["amqp.broker": "\(settings.redacted)"])
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

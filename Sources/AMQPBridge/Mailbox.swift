import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A job queue for one connection thread, plus a self-pipe so that posting a job wakes the
/// thread out of `poll(2)` even while it waits on the broker socket.
final class Mailbox<Job: Sendable>: Sendable {
    private struct Queue {
        var jobs: [Job] = []
        var closed = false
    }
    private let queue = Mutex(Queue())
    private let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { fatalError("pipe() failed: errno \(errno)") }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Queues a job unless the mailbox was closed. Returns false when closed.
    @discardableResult
    func post(_ job: Job) -> Bool {
        let ok = queue.withLock { q in
            if q.closed { return false }
            q.jobs.append(job)
            return true
        }
        if ok { wake() }
        return ok
    }

    /// Queues a last job and closes the mailbox. Returns false when it was already closed.
    @discardableResult
    func postFinal(_ job: Job) -> Bool {
        let ok = queue.withLock { q in
            if q.closed { return false }
            q.jobs.append(job)
            q.closed = true
            return true
        }
        if ok { wake() }
        return ok
    }

    var isClosed: Bool { queue.withLock { $0.closed } }

    func wake() {
        var b: UInt8 = 1
        _ = write(writeFD, &b, 1)  // EAGAIN (pipe full) is fine: it is readable anyway
    }

    /// Takes all queued jobs (and clears the wake-up pipe).
    func take() -> [Job] {
        var buf = [UInt8](repeating: 0, count: 256)
        while read(readFD, &buf, buf.count) > 0 {}
        return queue.withLock { q in
            let out = q.jobs
            q.jobs.removeAll(keepingCapacity: true)
            return out
        }
    }

    var hasJobs: Bool { queue.withLock { !$0.jobs.isEmpty } }

    /// Blocks the calling (connection) thread until a job is posted, `fd` becomes readable,
    /// or `timeout` passes. Returns true when `fd` is readable (or in error/hang-up).
    @discardableResult
    func wait(fd: Int32?, timeout: Duration) -> Bool {
        if hasJobs { return false }
        var pfds = [pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)]
        if let fd, fd >= 0 { pfds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
        let ms = Int32(clamping: max(0, timeout.milliseconds))
        let r = poll(&pfds, nfds_t(pfds.count), ms)
        return r > 0 && pfds.count > 1 && pfds[1].revents != 0
    }
}

/// Connection state published by a connection thread for cheap, non-blocking reads.
final class LinkStatus: Sendable {
    struct Snapshot: Sendable, Equatable {
        var connected = false
        var epoch: UInt64 = 0
        var lastError: String?
        /// A consumer stopped reading because it holds its byte budget unacknowledged.
        var holdingBack = false
        /// The node of the current connection; meaningful only while `connected`.
        var node: AMQPEndpoint?

        /// The node connected to, nil while disconnected.
        var connectedNode: AMQPEndpoint? { connected ? node : nil }
        /// When the connection was last lost (or the link made); nil while connected.
        var disconnectedAt: ContinuousClock.Instant? = .now
    }
    private let state = Mutex(Snapshot())

    var snapshot: Snapshot { state.withLock { $0 } }

    /// How long the link has been without a connection; nil while connected.
    var disconnectedFor: Duration? { snapshot.disconnectedAt.map { .now - $0 } }

    /// Whether the link counts as down: never connected yet, or without a connection for
    /// `grace` or longer (a reconnect under way within it is no outage).
    func isDown(grace: Duration) -> Bool {
        let snapshot = snapshot
        guard let lost = snapshot.disconnectedAt else { return false }
        return snapshot.epoch == 0 || .now - lost >= grace
    }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { state in
            let lostAt = state.disconnectedAt
            body(&state)
            // Kept from the moment the connection was lost, whatever the update wrote.
            state.disconnectedAt = state.connected ? nil : (lostAt ?? .now)
        }
    }
}

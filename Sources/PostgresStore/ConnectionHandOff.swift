import PostgresNIO
import Synchronization

/// A pooled connection passed from the task that leases it to the store call that uses it, and
/// back: the call can give up waiting (`take(within:)` fails) while the lease request stays
/// with the pool, and a connection offered after that goes straight back.
final class ConnectionHandOff: Sendable {
    private struct State {
        var waiting: CheckedContinuation<PostgresConnection, any Error>?
        /// What arrived before the call asked for it.
        var arrived: Result<PostgresConnection, any Error>?
        var gaveUp = false
        var timer: Task<Void, Never>?
        var holder: CheckedContinuation<Void, Never>?
        var givenBack = false
    }

    private let state = Mutex(State())

    /// The leasing task's connection; false when the call has given up (the connection is then
    /// not the call's to use).
    func offer(_ connection: PostgresConnection) -> Bool {
        let (accepted, waiting, timer) = state.withLock { state -> (Bool, CheckedContinuation<PostgresConnection, any Error>?, Task<Void, Never>?) in
            guard !state.gaveUp else { return (false, nil, nil) }
            guard let waiting = state.waiting else {
                state.arrived = .success(connection)
                return (true, nil, nil)
            }
            state.waiting = nil
            defer { state.timer = nil }
            return (true, waiting, state.timer)
        }
        timer?.cancel()
        waiting?.resume(returning: connection)
        return accepted
    }

    /// The pool refused the lease (it is closed).
    func fail(_ error: any Error) {
        let (waiting, timer) = state.withLock { state -> (CheckedContinuation<PostgresConnection, any Error>?, Task<Void, Never>?) in
            guard !state.gaveUp else { return (nil, nil) }
            guard let waiting = state.waiting else {
                state.arrived = .failure(error)
                return (nil, nil)
            }
            state.waiting = nil
            defer { state.timer = nil }
            return (waiting, state.timer)
        }
        timer?.cancel()
        waiting?.resume(throwing: error)
    }

    /// The connection, once the pool gives one; throws when it has not within `limit`.
    func take(within limit: Duration) async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<PostgresConnection, any Error>) in
            let arrived = state.withLock { state -> Result<PostgresConnection, any Error>? in
                if let arrived = state.arrived { return arrived }
                state.waiting = continuation
                state.timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: limit)) != nil else { return }
                    self?.giveUp(after: limit)
                }
                return nil
            }
            if let arrived { continuation.resume(with: arrived) }
        }
    }

    private func giveUp(after limit: Duration) {
        let waiting = state.withLock { state -> CheckedContinuation<PostgresConnection, any Error>? in
            defer { state.waiting = nil }
            state.gaveUp = state.waiting != nil
            return state.waiting
        }
        waiting?.resume(throwing: PostgresFailure(sqlState: nil, message: "PostgreSQL gave no connection within \(limit)"))
    }

    /// For the leasing task: returns once the call is done with the connection.
    func returned() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.givenBack { return true }
                state.holder = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// For the call: done with the connection, which goes back to the pool.
    func giveBack() {
        let holder = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.givenBack = true
            defer { state.holder = nil }
            return state.holder
        }
        holder?.resume()
    }
}

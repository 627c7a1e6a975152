import Synchronization

/// Tells any number of waiters that the store changed: each write bumps a version, and a
/// waiter returns once the version moved past the one it saw (or on its timeout). Readers
/// that follow the store live (the notification stream) wait here instead of polling.
package final class ChangeFeed: Sendable {
    private struct State {
        var version: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Waits whose timer or cancellation came before they started waiting.
        var released: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    package init() {}

    /// The current version.
    package var version: UInt64 { state.withLock { $0.version } }

    /// Records a change and wakes every waiter.
    package func bump() {
        let waiters = state.withLock { state in
            state.version &+= 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the version is past `seen`, after `timeout`, or when the task is cancelled.
    package func wait(after seen: UInt64, timeout: Duration) async {
        let id = state.withLock { state -> UInt64 in
            state.nextWaiter &+= 1
            return state.nextWaiter
        }
        let timer = Task { [weak self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self?.release(id)
        }
        defer {
            timer.cancel()
            _ = state.withLock { $0.released.remove(id) }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state -> Bool in
                    if state.version != seen || state.released.contains(id) { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            release(id)
        }
    }

    private func release(_ id: UInt64) {
        let waiter = state.withLock { state in
            guard let waiter = state.waiters.removeValue(forKey: id) else {
                // Not waiting yet: it returns as soon as it would start.
                state.released.insert(id)
                return nil as CheckedContinuation<Void, Never>?
            }
            return waiter
        }
        waiter?.resume()
    }
}

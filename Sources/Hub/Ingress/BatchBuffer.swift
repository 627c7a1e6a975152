import Synchronization

/// Collects items as a producer offers them in bursts, so that everything that arrived while the
/// consumer was busy is taken together: the hub commits it in one transaction (group commit)
/// instead of one small transaction per burst. Bounded by what the producer may have in flight
/// (for the submission queue, its prefetch).
package final class BatchBuffer<Element: Sendable>: Sendable {
    private struct State {
        var items: [Element] = []
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    package init() {}

    package func append(_ batch: [Element]) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.items.append(contentsOf: batch)
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// No more items will come; `take` returns nil once the buffer is empty.
    package func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Up to `limit` items, oldest first, and no more than `maxWeight` in total (at least one
    /// item), waiting while there are none; nil once the producer has finished and everything
    /// was taken.
    package func take(limit: Int, maxWeight: Int = .max, weight: (Element) -> Int = { _ in 0 }) async -> [Element]? {
        while true {
            let taken = state.withLock { state -> [Element]?? in
                if !state.items.isEmpty {
                    var count = 0
                    var total = 0
                    for item in state.items.prefix(limit) {
                        total += weight(item)
                        if count > 0, total > maxWeight { break }
                        count += 1
                    }
                    let batch = Array(state.items.prefix(count))
                    state.items.removeFirst(count)
                    return .some(batch)
                }
                return state.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.items.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}

import Synchronization

/// Things kept for reuse between threads, at most `limit` of them: what would not fit is left
/// to its owner to free. Taking and giving back each hold one lock briefly.
final class BoundedPool<Element: Sendable>: Sendable {
    private let idle = Mutex<[Element]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// An element given back earlier, most recent first; nil when the pool is empty.
    func take() -> Element? {
        idle.withLock { $0.popLast() }
    }

    /// Keeps `element` for a later `take()`; false when the pool is full and the caller must
    /// dispose of it.
    func offer(_ element: Element) -> Bool {
        idle.withLock { idle in
            guard idle.count < limit else { return false }
            idle.append(element)
            return true
        }
    }
}

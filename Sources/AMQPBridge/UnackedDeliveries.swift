/// The deliveries a consumer has read on its current channel and not yet acknowledged, in tag
/// order, with the bytes their bodies hold: what bounds a consumer's memory.
struct UnackedDeliveries {
    private var tags: [UInt64] = []
    private var sizes: [Int] = []
    /// Index of the first entry still unacknowledged; entries before it are settled.
    private var start = 0
    /// Settled entries after `start` (single acks out of order).
    private var settledOutOfOrder: Set<UInt64> = []
    private(set) var bytes = 0

    mutating func add(_ tag: UInt64, bytes size: Int) {
        tags.append(tag)
        sizes.append(size)
        bytes += size
    }

    /// Whether acknowledging `tag` (with `multiple`, everything up to it) would settle anything.
    /// The broker closes the channel on an ack for a tag it no longer has, so such an ack is
    /// better not sent.
    func settlesAnything(_ tag: UInt64, multiple: Bool) -> Bool {
        guard start < tags.count else { return false }
        if multiple { return tags[start] <= tag }
        return !settledOutOfOrder.contains(tag) && tags[start...].contains(tag)
    }

    /// Settles `tag`, or with `multiple` every delivery up to and including it.
    mutating func settle(_ tag: UInt64, multiple: Bool) {
        if multiple {
            while start < tags.count, tags[start] <= tag {
                if !settledOutOfOrder.contains(tags[start]) { bytes -= sizes[start] } else { settledOutOfOrder.remove(tags[start]) }
                start += 1
            }
        } else if let index = tags[start...].firstIndex(of: tag), !settledOutOfOrder.contains(tag) {
            bytes -= sizes[index]
            if index == start {
                start += 1
            } else {
                settledOutOfOrder.insert(tag)
            }
        }
        while start < tags.count, settledOutOfOrder.contains(tags[start]) {
            settledOutOfOrder.remove(tags[start])
            start += 1
        }
        // Compact now and then, so settled entries do not accumulate.
        if start > 1024, start * 2 > tags.count {
            tags.removeFirst(start)
            sizes.removeFirst(start)
            start = 0
        }
    }

    /// The channel is gone: the broker requeues everything it had delivered on it.
    mutating func removeAll() {
        tags.removeAll()
        sizes.removeAll()
        settledOutOfOrder.removeAll()
        start = 0
        bytes = 0
    }
}

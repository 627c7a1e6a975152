/// The tables a markup scan works in, kept for the next scan instead of freed.
///
/// Allocated afresh for every body, the name set's larger tables were requests that glibc
/// serves only after merging its lists of small free chunks, which libxml2's tree had just
/// filled: 7 % of parsing a 2 KiB message went to that (docs/performance.md). A scan takes
/// one from a small shared pool and gives it back when it ends; only one scan uses it at a
/// time, which is what makes sharing it between threads safe.
final class ScanMemory: @unchecked Sendable {
    /// The name set's hash slots; 0 marks an empty one. Replaced when the set grows.
    var slots: UnsafeMutableBufferPointer<Int>
    /// The name set's recently inserted strings, by a cheap hash of each.
    let recent: UnsafeMutableBufferPointer<UnsafeRawBufferPointer?>
    /// The number of namespace declarations on each open element, as deep as libxml2 nests.
    let declarations: UnsafeMutableBufferPointer<Int>

    /// Enough for the names of the sector's messages without growing (the fixtures have at
    /// most 175 distinct names; the table grows when half full).
    static let initialSlots = 512
    static let recentSlots = 64
    /// A table grown past this (by a body with thousands of names) is freed, not kept.
    private static let largestKeptSlots = 4096
    /// Scans running at once beyond eight allocate and free their own.
    private static let pool = BoundedPool<ScanMemory>(limit: 8)

    private init() {
        slots = .allocate(capacity: Self.initialSlots)
        recent = .allocate(capacity: Self.recentSlots)
        declarations = .allocate(capacity: MarkupScanner.libxml2DepthLimit + 1)
        declarations.initialize(repeating: 0)
    }

    deinit {
        slots.deallocate()
        recent.deallocate()
        declarations.deallocate()
    }

    /// Memory from the pool, or new, with an empty name set: nothing of an earlier body left.
    static func take() -> ScanMemory {
        let memory = pool.take() ?? ScanMemory()
        memory.slots.initialize(repeating: 0)
        memory.recent.initialize(repeating: nil)
        return memory
    }

    /// Returns `memory` to the pool when it is not full and the table has not grown past
    /// what is worth keeping.
    static func giveBack(_ memory: ScanMemory) {
        guard memory.slots.count <= largestKeptSlots else { return }
        _ = pool.offer(memory)
    }
}

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
    /// The hashes of short strings that earlier scans hashed (`hash(_:)`), kept across scans.
    private let memo: UnsafeMutableBufferPointer<MemoEntry>

    /// Enough for the names of the sector's messages without growing (the fixtures have at
    /// most 175 distinct names; the table grows when half full).
    static let initialSlots = 512
    static let recentSlots = 64
    /// Room for the distinct names and white-space runs of several kinds of message.
    static let memoSlots = 1024
    /// The longest string whose hash is remembered: the names of the sector's messages and the
    /// indentation between their elements are shorter.
    static let memoLength = 24
    /// A table grown past this (by a body with thousands of names) is freed, not kept.
    private static let largestKeptSlots = 4096
    /// Scans running at once beyond eight allocate and free their own.
    private static let pool = BoundedPool<ScanMemory>(limit: 8)

    private init() {
        slots = .allocate(capacity: Self.initialSlots)
        recent = .allocate(capacity: Self.recentSlots)
        declarations = .allocate(capacity: MarkupScanner.libxml2DepthLimit + 1)
        declarations.initialize(repeating: 0)
        memo = .allocate(capacity: Self.memoSlots)
        memo.initialize(repeating: MemoEntry())
    }

    deinit {
        slots.deallocate()
        recent.deallocate()
        declarations.deallocate()
        memo.deallocate()
    }

    /// `bytes` hashed with the standard library's `Hasher` (SipHash, keyed per process).
    ///
    /// The same few dozen names and runs of indentation recur in every body of a kind, and
    /// hashing them was most of the pre-scan's name counting (1.7 % of hubd's CPU). A string of
    /// up to `memoLength` bytes is looked up among those hashed before, by a cheap mix of its
    /// bytes, and compared whole; the hash given back is the keyed one either way, so the memo
    /// changes no count, and a sender who makes its strings share memo slots only costs itself
    /// the hashing it would have had anyway.
    func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count <= Self.memoLength else { return Self.keyedHash(bytes) }
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
        let mixed = (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F)
            ^ (words.2 &* 0x1656_67B1_9E37_79F9) ^ UInt64(bytes.count)
        let slot = Int(truncatingIfNeeded: mixed >> 40) & (Self.memoSlots - 1)
        if memo[slot].length == bytes.count, memo[slot].words == words { return memo[slot].hash }
        let hash = Self.keyedHash(bytes)
        memo[slot] = MemoEntry(words: words, length: bytes.count, hash: hash)
        return hash
    }

    private static func keyedHash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize()
    }

    /// A remembered hash: the string's bytes, zero-padded, and its length (-1: empty slot).
    private struct MemoEntry {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var length = -1
        var hash = 0
    }

    /// Memory from the pool, or new, with an empty name set: nothing of an earlier body left
    /// but the hash memo, whose strings are markup names, white space and texts of at most
    /// three bytes, and which is never shown anywhere.
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

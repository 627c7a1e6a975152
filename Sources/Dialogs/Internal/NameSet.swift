#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Counts the distinct byte strings it is given, up to a limit, in constant time per string
/// after hashing it.
///
/// Only hashes are kept, made with the standard library's `Hasher`: SipHash with a seed
/// chosen per process, so a sender cannot craft names that collide here and slip more
/// distinct names past the count than it shows (`ScanMemory.hash`, which remembers the hashes
/// of short strings from one scan to the next). The set also remembers where in the body it
/// last saw a few strings, so it must not outlive the body it is counting.
///
/// Its tables are a `ScanMemory`'s, which must be empty (as `ScanMemory.take()` gives it) and
/// used by nothing else while the set is.
struct NameSet: ~Copyable {
    private let memory: ScanMemory
    /// Open addressing with linear probing; 0 marks an empty slot. The same table as
    /// `memory.slots`, kept here so that a look-up reads no class property.
    private var slots: UnsafeMutableBufferPointer<Int>
    /// A string recently inserted, by a cheap hash of it: the same few names recur all
    /// through a message, and comparing with the last one in the slot usually saves hashing.
    private let recent: UnsafeMutableBufferPointer<UnsafeRawBufferPointer?>
    private(set) var count = 0
    private let limit: Int

    /// An empty set in `memory`'s tables that refuses to grow past `limit` distinct strings.
    init(limit: Int, memory: ScanMemory) {
        // Capped so that a huge limit cannot ask for a huge table; 4 million distinct
        // names is past anything a message body can usefully hold.
        self.limit = min(max(limit, 0), 1 << 22)
        self.memory = memory
        slots = memory.slots
        recent = memory.recent
    }

    /// Adds `bytes`; false when it is new and the set already holds `limit` strings.
    mutating func insert(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // A sender who makes every look in `recent` miss only gets the hashing it would
        // have had anyway.
        let slot = Self.recentSlot(bytes)
        if let seen = recent[slot], Self.equal(seen, bytes) { return true }
        guard insertHashed(bytes) else { return false }
        recent[slot] = bytes
        return true
    }

    private mutating func insertHashed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let hash = memory.hash(bytes)
        let key = hash == 0 ? 1 : hash
        var index = key & (slots.count - 1)
        while slots[index] != 0 {
            if slots[index] == key { return true }
            index = (index + 1) & (slots.count - 1)
        }
        guard count < limit else { return false }
        slots[index] = key
        count += 1
        if count * 2 > slots.count { grow() }
        return true
    }

    private static func equal(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        guard let leftBase = left.baseAddress, let rightBase = right.baseAddress else { return true }
        return memcmp(leftBase, rightBase, left.count) == 0
    }

    /// Length and the first and last bytes: enough to tell most names of a message apart.
    private static func recentSlot(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        let first = base.load(as: UInt8.self)
        let last = base.load(fromByteOffset: bytes.count - 1, as: UInt8.self)
        return (bytes.count &* 31 &+ Int(first) &* 7 &+ Int(last)) & (ScanMemory.recentSlots - 1)
    }

    private mutating func grow() {
        let old = slots
        slots = .allocate(capacity: old.count * 2)
        slots.initialize(repeating: 0)
        for key in old where key != 0 {
            var index = key & (slots.count - 1)
            while slots[index] != 0 { index = (index + 1) & (slots.count - 1) }
            slots[index] = key
        }
        old.deallocate()
        memory.slots = slots
    }
}

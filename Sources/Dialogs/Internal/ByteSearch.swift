#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The byte-level look-ups the checks before libxml2 share. Searches go through `memchr` so
/// that skipping long text stays cheap even in unoptimised builds.
enum ByteSearch {
    /// XML white space, as libxml2's `SKIP_BLANKS` skips it.
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// The offset of the first `byte` in `start..<stop`.
    static func find(_ byte: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to stop: Int) -> Int? {
        guard start < stop, let found = memchr(base + start, Int32(byte), stop - start) else { return nil }
        return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
    }

    /// The 1-based line of `offset`, counted as libxml2 counts: by line feeds.
    static func line(of offset: Int, in base: UnsafePointer<UInt8>) -> Int {
        var line = 1
        var search = 0
        while let feed = find(0x0A, in: base, from: search, to: offset) {
            line += 1
            search = feed + 1
        }
        return line
    }
}

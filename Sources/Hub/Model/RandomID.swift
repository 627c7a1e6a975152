/// New message and request ids: random (version 4) UUIDs in lower case.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` for every id on Linux, three
/// system calls and about 4 µs; a REST submission makes two ids (its request's and its
/// message's). These take their 122 random bits from the system generator (`getrandom`), about
/// 1 µs for both halves.
package enum RandomID {
    /// A new id, e.g. `0f8e2c4a-9b1d-4e7f-a3c5-2d6b8e0f1a9c`.
    package static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return make(using: &generator)
    }

    /// A new id from `generator`'s bits (tests pass a seeded one).
    package static func make(using generator: inout some RandomNumberGenerator) -> String {
        // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 0b10 in byte 8.
        let high = (generator.next() & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (generator.next() & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        // Written digit by digit: Foundation's `uuidString` formats with `snprintf` and is upper
        // case, so it took a second pass to lower it (0.4 % of hubd's CPU under REST load).
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            for digit in 0..<32 {
                if digit == 8 || digit == 12 || digit == 16 || digit == 20 {
                    text[position] = UInt8(ascii: "-")
                    position += 1
                }
                let nibble = UInt8(truncatingIfNeeded: (digit < 16 ? high : low) >> UInt64(60 - 4 * (digit % 16))) & 0xF
                text[position] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
                position += 1
            }
            return position
        }
    }
}

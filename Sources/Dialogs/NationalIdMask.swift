/// Masks Norwegian national identity numbers (fødselsnummer, D-number) in free text before
/// it is logged or sent anywhere.
///
/// Any run of exactly 11 ASCII digits becomes `***********`. Longer or shorter digit runs are
/// left alone: they are ids of other kinds (HER-ids, org numbers, timestamps), and masking
/// them would make logs useless without protecting anyone. Runs inside a UUID
/// (`8-4-4-4-12` hex digits) are left alone too: one UUID in about 250 has 11 digits in a row
/// in its last group, and a message id must reach its receiver (and the log) as it was sent.
///
/// ```swift
/// NationalIdMask.mask("patient 19826606056 at 10037001")  // "patient *********** at 10037001"
/// ```
package enum NationalIdMask {
    /// Returns `text` with every run of exactly 11 digits outside a UUID replaced by 11 asterisks.
    package static func mask(_ text: String) -> String {
        // Most text has no run of exactly 11 digits at all: that is settled without copying it.
        guard hasElevenDigitRun(text) else { return text }
        var utf8 = Array(text.utf8)
        var changed = false
        var runStart = 0
        var index = 0
        var uuids = UUIDSpans(utf8)
        // One pass past the end so a run that ends the text is closed like any other.
        while index <= utf8.count {
            let isDigit = index < utf8.count && utf8[index] >= UInt8(ascii: "0") && utf8[index] <= UInt8(ascii: "9")
            if !isDigit {
                if index - runStart == 11, !uuids.contains(runStart) {
                    for position in runStart..<index { utf8[position] = UInt8(ascii: "*") }
                    changed = true
                }
                runStart = index + 1
            }
            index += 1
        }
        return changed ? String(decoding: utf8, as: UTF8.self) : text
    }

    /// Whether `text` holds a run of exactly 11 digits anywhere, inside a UUID or not.
    package static func hasElevenDigitRun(_ text: String) -> Bool {
        // Every header of every message passes here: a native string is read in place, which
        // iterating `utf8` did not compile to (0.8 % of hubd's CPU in the steady state).
        // Most names and values are shorter than a number (`count` is stored for native strings).
        guard text.utf8.count >= 11 else { return false }
        return text.utf8.withContiguousStorageIfAvailable { hasElevenDigitRun(in: $0) } ?? hasElevenDigitRun(in: Array(text.utf8))
    }

    private static func hasElevenDigitRun(in bytes: some Sequence<UInt8>) -> Bool {
        var run = 0
        for byte in bytes {
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                run += 1
            } else {
                if run == 11 { return true }
                run = 0
            }
        }
        return run == 11
    }

    /// Whether `text` holds a run of exactly 11 digits outside a UUID.
    package static func containsNationalId(_ text: String) -> Bool {
        mask(text) != text
    }

    /// Finds the UUIDs in a text, lazily and in order, for positions asked in increasing order.
    private struct UUIDSpans {
        let bytes: [UInt8]
        var searchFrom = 0
        var current: Range<Int>?

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        /// Whether `position` lies inside a UUID. Positions must not decrease between calls.
        mutating func contains(_ position: Int) -> Bool {
            while true {
                if let current {
                    if current.contains(position) { return true }
                    if current.lowerBound > position { return false }
                }
                guard let next = nextUUID() else {
                    current = nil
                    return false
                }
                current = next
            }
        }

        private static let groups = [8, 4, 4, 4, 12]

        private mutating func nextUUID() -> Range<Int>? {
            var start = searchFrom
            while start + 36 <= bytes.count {
                if matches(at: start) {
                    searchFrom = start + 36
                    return start..<start + 36
                }
                start += 1
            }
            searchFrom = bytes.count
            return nil
        }

        private func matches(at start: Int) -> Bool {
            // A hex run longer than the UUID's own edges is not a UUID.
            if start > 0, Self.isHex(bytes[start - 1]) { return false }
            if start + 36 < bytes.count, Self.isHex(bytes[start + 36]) { return false }
            var position = start
            for (number, length) in Self.groups.enumerated() {
                if number > 0 {
                    guard bytes[position] == UInt8(ascii: "-") else { return false }
                    position += 1
                }
                for _ in 0..<length {
                    guard Self.isHex(bytes[position]) else { return false }
                    position += 1
                }
            }
            return true
        }

        private static func isHex(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "F"))
        }
    }
}

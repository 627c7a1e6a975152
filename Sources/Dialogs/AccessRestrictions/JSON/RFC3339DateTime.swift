/// An RFC 3339 date-time (`2026-03-01T12:00:00.5+01:00`), as the instant it names: what the
/// schema keyword `format: date-time` checks, and what "`validTo` after `validFrom`" compares.
///
/// The grammar is RFC 3339 §5.6 (`T` and `Z` in either case, any number of fraction digits,
/// a `Z` or a `±hh:mm` offset) with its calendar: no year 0, no 30 February. A leap second
/// (`:60`) is refused, as Python's `rfc3339-validator` (which `jsonschema` uses) refuses it,
/// so the two validators agree; nothing in the sector depends on one.
///
/// ```swift
/// RFC3339DateTime("2026-02-30T12:00:00Z")                 // nil
/// RFC3339DateTime("2026-03-01T12:00:00+01:00")?.epochSeconds  // 1772362800
/// ```
struct RFC3339DateTime: Sendable, Comparable {
    /// Seconds from 1970-01-01T00:00:00Z to the instant, fraction left out.
    let epochSeconds: Int
    /// The fraction's digits (ASCII) without trailing zeros; empty for a whole second.
    let fraction: [UInt8]

    /// The date-time `text` spells, or nil when it is not one.
    init?(_ text: String) {
        var scanner = Scanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), year >= 1, scanner.skip("-"),
              let month = scanner.number(digits: 2), (1...12).contains(month), scanner.skip("-"),
              let day = scanner.number(digits: 2), day >= 1, day <= Self.daysIn(month: month, year: year),
              scanner.skip("T") || scanner.skip("t"),
              let hour = scanner.number(digits: 2), hour <= 23, scanner.skip(":"),
              let minute = scanner.number(digits: 2), minute <= 59, scanner.skip(":"),
              let second = scanner.number(digits: 2), second <= 59
        else { return nil }
        var fraction: [UInt8] = []
        if scanner.skip(".") {
            fraction = scanner.digits()
            guard !fraction.isEmpty else { return nil }
            while fraction.last == UInt8(ascii: "0") { fraction.removeLast() }
        }
        var offsetSeconds = 0
        if !(scanner.skip("Z") || scanner.skip("z")) {
            let sign: Int
            if scanner.skip("+") { sign = 1 } else if scanner.skip("-") { sign = -1 } else { return nil }
            guard let offsetHour = scanner.number(digits: 2), offsetHour <= 23, scanner.skip(":"),
                  let offsetMinute = scanner.number(digits: 2), offsetMinute <= 59
            else { return nil }
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
        }
        guard scanner.atEnd else { return nil }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        epochSeconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.fraction = fraction
    }

    static func < (lhs: RFC3339DateTime, rhs: RFC3339DateTime) -> Bool {
        if lhs.epochSeconds != rhs.epochSeconds { return lhs.epochSeconds < rhs.epochSeconds }
        // Fractions without trailing zeros compare as digit strings padded to one length.
        let length = max(lhs.fraction.count, rhs.fraction.count)
        let padded = { (digits: [UInt8]) in digits + Array(repeating: UInt8(ascii: "0"), count: length - digits.count) }
        return padded(lhs.fraction).lexicographicallyPrecedes(padded(rhs.fraction))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = shiftedYear / 400   // years are ≥ 1, so no rounding toward zero to correct
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Reads ASCII fields off the front of a date-time.
    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { position == bytes.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        /// Exactly `digits` ASCII digits, as a number.
        mutating func number(digits: Int) -> Int? {
            guard position + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[position..<position + digits] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            position += digits
            return value
        }

        /// The ASCII digits that follow, perhaps none.
        mutating func digits() -> [UInt8] {
            let start = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
            }
            return Array(bytes[start..<position])
        }
    }
}

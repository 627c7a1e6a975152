import Foundation

/// ISO 8601 date-times as the wire contract uses them.
package enum Timestamp {
    /// `2026-03-04T10:15:00.123Z`: what hubd writes.
    package static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Whether `text` is an ISO 8601 date-time: `YYYY-MM-DDThh:mm[:ss[.fraction]]` with an optional
    /// `Z` or `±hh:mm` offset. A fraction has 1 to 9 digits (.NET writes seven).
    package static func isDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func literal(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard digits(4) != nil, literal(0x2D), let month = digits(2), (1...12).contains(month),
              literal(0x2D), let day = digits(2), (1...31).contains(day),
              literal(0x54) || literal(0x74),
              let hour = digits(2), hour < 24, literal(0x3A), let minute = digits(2), minute < 60
        else { return false }
        if literal(0x3A) {
            guard let second = digits(2), second <= 60 else { return false }
            if literal(0x2E) || literal(0x2C) {
                let start = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                // .NET writes seven digits; more than nine is no time anyone means.
                guard index > start, index - start <= 9 else { return false }
            }
        }
        if index == bytes.count { return true }
        if literal(0x5A) || literal(0x7A) { return index == bytes.count }
        guard literal(0x2B) || literal(0x2D), let offsetHours = digits(2), offsetHours <= 14 else { return false }
        _ = literal(0x3A)
        guard let offsetMinutes = digits(2), offsetMinutes < 60 else { return false }
        return index == bytes.count
    }
}

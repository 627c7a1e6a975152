import Foundation

/// The date-times of AR's v1 documents (`validFrom`, `validTo`): ISO 8601,
/// `YYYY-MM-DDThh:mm[:ss[.fraction]]` then `Z`, an offset, or nothing for Norwegian time (AR is a
/// Norwegian register, and .NET writes a local time without an offset).
enum RegistryTimestamp {
    /// Norwegian time; UTC only on a system without time zone data.
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Oslo") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    /// The instant `text` names; nil when it is not such a date-time.
    static func parse(_ text: String) -> Date? {
        // ASCII digits only: `\d` alone also takes other scripts' digits, which `Int` does not read.
        guard let match = text.wholeMatch(
            of: /(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?/
                .asciiOnlyDigits())
        else { return nil }
        var zoned = calendar
        if let zone = match.8 {
            guard let offset = offsetSeconds(String(zone)), let timeZone = TimeZone(secondsFromGMT: offset) else { return nil }
            zoned.timeZone = timeZone
        }
        let components = DateComponents(
            timeZone: zoned.timeZone, year: Int(match.1), month: Int(match.2), day: Int(match.3), hour: Int(match.4),
            minute: Int(match.5), second: match.6.flatMap { Int($0) } ?? 0)
        // `date(from:)` rolls 2027-02-30 over into March; a date that does not exist is no date.
        guard components.isValidDate(in: zoned), let whole = zoned.date(from: components) else { return nil }
        return whole.addingTimeInterval(match.7.flatMap { Double("0." + $0) } ?? 0)
    }

    /// `Z`, `+01:00` or `-0230` in seconds east of UTC; nil past ±18 hours.
    private static func offsetSeconds(_ zone: String) -> Int? {
        if zone == "Z" || zone == "z" { return 0 }
        let digits = zone.dropFirst().filter(\.isNumber)
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
              hours <= 18, minutes < 60 else { return nil }
        return (zone.hasPrefix("-") ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

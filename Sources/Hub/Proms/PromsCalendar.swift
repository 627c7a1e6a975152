import Foundation

/// Dates and times as the PROMs service means them: Norwegian ones. An order's `expiryDate` is
/// a calendar day in Norway, and a callback's `timestamp` without an offset is Norwegian time;
/// so is a MsgHead's `GenDate` without one (`MessageSummary`).
package enum PromsCalendar {
    /// Norwegian time; UTC only on a system without time zone data.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Oslo") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    /// The end of the Norwegian day `text` (`YYYY-MM-DD`) names: the start of the day after.
    /// Nil when `text` is not such a date.
    package static func endOfDay(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})/),
              let year = Int(match.1), let month = Int(match.2), let day = Int(match.3) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        // `date(from:)` rolls 2027-02-30 over into March; a date that does not exist is no date.
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else { return nil }
        return calendar.date(byAdding: .day, value: 1, to: start)
    }

    /// An ISO 8601 date-time (`YYYY-MM-DDThh:mm[:ss[.fraction]]`, then `Z`, an offset, or nothing
    /// for Norwegian time); nil for anything else.
    package static func timestamp(_ text: String) -> Date? {
        guard let match = text.wholeMatch(
            of: /(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?/)
        else { return nil }
        var components = DateComponents(
            year: Int(match.1), month: Int(match.2), day: Int(match.3), hour: Int(match.4), minute: Int(match.5),
            second: match.6.flatMap { Int($0) } ?? 0)
        var zoned = calendar
        if let zone = match.8 {
            guard let offset = offsetSeconds(String(zone)), let timeZone = TimeZone(secondsFromGMT: offset) else { return nil }
            zoned.timeZone = timeZone
        }
        components.timeZone = zoned.timeZone
        guard components.isValidDate(in: zoned), let whole = zoned.date(from: components) else { return nil }
        let fraction = match.7.map { Double("0." + $0) ?? 0 } ?? 0
        return whole.addingTimeInterval(fraction)
    }

    /// `Z`, `+01:00` or `+0100` in seconds east of UTC.
    private static func offsetSeconds(_ zone: String) -> Int? {
        if zone == "Z" || zone == "z" { return 0 }
        let digits = zone.dropFirst().filter { $0 != ":" }
        guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)),
              hours <= 14, minutes < 60 else { return nil }
        let seconds = hours * 3600 + minutes * 60
        return zone.hasPrefix("-") ? -seconds : seconds
    }
}

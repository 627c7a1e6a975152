/// A message's `xs:dateTime` (`MsgInfo/GenDate`, say) as the API writes times: RFC 3339 in UTC.
///
/// KITH messages write their times with an offset (`2026-03-04T10:15:00+01:00`), or without
/// one, in Norwegian time (`2025-05-26T00:00:00`): the zone of a time without offset is the
/// caller's to give, since reading the time-zone rules is no business of this module.
///
/// ```swift
/// XMLDateTime.utc("2026-03-04T10:15:00+01:00") { _ in 3600 }  // "2026-03-04T09:15:00Z"
/// ```
package enum XMLDateTime {
    /// `text` as an RFC 3339 UTC time; nil when it is no date-time of that grammar (a year of
    /// more than four digits, `24:00:00`, an offset past ±23:59: nothing a sender writes).
    /// - Parameter zonelessOffset: for a time without offset, the offset from UTC in seconds of
    ///   the local time it names (given as seconds since 1970 as if it were UTC).
    package static func utc(_ text: String, zonelessOffset: (_ localSeconds: Int) -> Int) -> String? {
        withoutActuallyEscaping(zonelessOffset) { RFC3339DateTime(text, zonelessOffset: $0)?.utcText }
    }
}

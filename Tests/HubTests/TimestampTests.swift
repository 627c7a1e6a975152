import Foundation
import Hub
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        "2026-03-04T10:15:00+01:00", "2026-03-04T10:15:00Z", "2026-03-04T10:15:00.1234567+01:00",
        "2026-03-04T10:15:00", "2026-03-04T10:15Z", "2026-03-04T10:15:00.5-0330",
    ])
    func acceptsISO8601DateTimes(_ text: String) {
        #expect(Timestamp.isDateTime(text))
    }

    @Test(arguments: ["", "2026-03-04", "yesterday", "2026-13-04T10:15:00Z", "2026-03-04T25:15:00Z", "2026-03-04T10:15:00+1", "2026-03-04T10:15:00ZZ",
        // A fraction of more than nine digits: no time anyone means (and room for an identity number).
        "2026-01-01T10:00:00.20835622828Z"])
    func refusesOthers(_ text: String) {
        #expect(!Timestamp.isDateTime(text))
    }

    @Test func writesWhatItReads() {
        #expect(Timestamp.isDateTime(Timestamp.format(Date())))
    }
}

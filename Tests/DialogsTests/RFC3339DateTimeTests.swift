import Testing
@testable import Dialogs

@Suite("RFC 3339 date-times", .timeLimit(.minutes(2)))
struct RFC3339DateTimeTests {
    @Test("Valid date-times", arguments: [
        "2026-03-01T12:00:00Z", "2026-03-01t12:00:00z", "2024-02-29T00:00:00Z", "2000-02-29T23:59:59+14:00",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999999-23:59", "2026-04-30T00:00:00.0+00:00",
    ])
    func valid(text: String) {
        #expect(RFC3339DateTime(text) != nil)
    }

    @Test("Invalid date-times", arguments: [
        "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "0000-01-01T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z", "2026-12-31T23:59:60Z", "2026-01-01T12:00:00", "2026-01-01 12:00:00Z",
        "2026-01-01T12:00:00+0100", "2026-01-01T12:00:00+24:00", "2026-01-01T12:00:00.Z", "2026-1-01T12:00:00Z",
        "2026-01-01T12:00:00Z\n", " 2026-01-01T12:00:00Z", "2026-01-01", "",
    ])
    func invalid(text: String) {
        #expect(RFC3339DateTime(text) == nil)
    }

    @Test("Instants compare across offsets and fractions")
    func ordering() throws {
        func time(_ text: String) throws -> RFC3339DateTime { try #require(RFC3339DateTime(text)) }
        #expect(try time("2026-03-01T12:00:00+01:00") == time("2026-03-01T11:00:00Z"))
        #expect(try time("2026-03-01T12:00:00+01:00") < time("2026-03-01T11:30:00Z"))
        #expect(try time("2026-03-01T00:30:00+01:00") < time("2026-02-28T23:45:00Z"))   // a later date, an earlier instant
        #expect(try time("2026-03-01T00:00:00.5Z") == time("2026-03-01T00:00:00.500Z"))
        #expect(try time("2026-03-01T00:00:00.05Z") < time("2026-03-01T00:00:00.5Z"))
        #expect(try time("2026-03-01T00:00:00Z") < time("2026-03-01T00:00:00.000001Z"))
        #expect(try time("1969-12-31T23:59:59Z").epochSeconds == -1)
        #expect(try time("2026-03-01T00:00:00Z").epochSeconds == 1_772_323_200)
    }
}

import Testing
@testable import Dialogs

/// What reaches a log line or a stored diagnostic column from outside: masked, escaped, bounded.
@Suite("Log-safe text")
struct LogSafeTests {
    @Test("Identity numbers are masked and control characters escaped", arguments: [
        ("20835622828\r\nlevel=critical", "***********\\r\\nlevel=critical"),
        ("tab\there\\", "tab\\there\\\\"),
        ("bell\u{07}", "bell\\u{7}"),
    ])
    func masksAndEscapes(input: String, expected: String) {
        #expect(LogSafe.text(input) == expected)
    }

    @Test func nilIsADash() {
        #expect(LogSafe.text(nil) == "-")
    }

    /// A run of 12 digits is no identity number; cut after its 11th digit it would look like
    /// one, so the cut value is masked again.
    @Test func aCutNeverLeavesElevenDigitsInSight() {
        let value = String(repeating: "x", count: 189) + "198266060561"
        let shown = LogSafe.text(value)
        #expect(shown == String(repeating: "x", count: 189) + "***********…")
        #expect(!NationalIdMask.containsNationalId(shown))
        // Not cut: the run of 12 stays as it is.
        #expect(LogSafe.text("198266060561") == "198266060561")
    }
}

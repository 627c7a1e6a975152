import Testing
@testable import Dialogs

@Suite("National id masking")
struct NationalIdMaskTests {
    @Test("Exactly 11 digits are masked", arguments: [
        ("19826606056", "***********"),
        ("fnr=19826606056;", "fnr=***********;"),
        ("a19826606056b", "a***********b"),
        ("1982660605", "1982660605"),
        ("198266060561", "198266060561"),
        ("19826606056 and 01018012345, not 10037001", "*********** and ***********, not 10037001"),
        ("12345678901234567890123", "12345678901234567890123"),
        ("", ""),
        ("ø19826606056ø", "ø***********ø"),
        ("1982660605619826606056", "1982660605619826606056"),
    ])
    func mask(input: String, expected: String) {
        #expect(NationalIdMask.mask(input) == expected)
    }
}

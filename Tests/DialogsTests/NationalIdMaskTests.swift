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
        // Inside a UUID 11 digits are part of the id, not an identity number.
        ("7d0db875-e531-4fdd-91c6-12345678901a", "7d0db875-e531-4fdd-91c6-12345678901a"),
        ("id 2E764A3A-1988-4F29-B7FF-B12345678901, fnr 19826606056", "id 2E764A3A-1988-4F29-B7FF-B12345678901, fnr ***********"),
        // Not a UUID: a group too long, or not hex.
        ("7d0db875-e531-4fdd-91c6-12345678901ab", "7d0db875-e531-4fdd-91c6-***********ab"),
        ("7d0db875-e531-4fdd-91c6-12345678901g", "7d0db875-e531-4fdd-91c6-***********g"),
    ])
    func mask(input: String, expected: String) {
        #expect(NationalIdMask.mask(input) == expected)
    }
}

import Testing
@testable import Dialogs

/// Templates from libxml2 2.9.14 that the bundled schemas cannot trigger, and edge cases of
/// the quoting rule. The real messages are covered in `SchemaValidationTests`.
@Suite("Redacting libxml2 diagnostics")
struct DiagnosticRedactorTests {
    @Test("Enumeration and length facets keep names and drop values", arguments: [
        ("Element 'Code', attribute 'V': [facet 'enumeration'] The value 'XYZ' is not an element of the set {'A', 'B'}.\n",
         "Element 'Code', attribute 'V': [facet 'enumeration'] The value '…' is not an element of the set {'…', '…'}."),
        ("Element 'Fnr': [facet 'length'] The value '1982660605' has a length of '10'; this differs from the allowed length of '11'.\n",
         "Element 'Fnr': [facet 'length'] The value '…' has a length of '…'; this differs from the allowed length of '…'."),
        ("Element 'A': The type definition 'x:Secret', specified by xsi:type, is blocked.\n",
         "Element 'A': The type definition '…', specified by xsi:type, is blocked."),
    ])
    func facets(message: String, expected: String) {
        #expect(DiagnosticRedactor.redact(message) == expected)
    }

    @Test("Only the first line of a parser message is kept")
    func firstLine() {
        #expect(DiagnosticRedactor.redact("Input is not proper UTF-8, indicate encoding !\nBytes: 0xC3 0x28 0x20 0x3C\n")
            == "Input is not proper UTF-8, indicate encoding !")
        #expect(DiagnosticRedactor.redact("Comment not terminated \n<!--secret text") == "Comment not terminated")
        #expect(DiagnosticRedactor.redact("Double hyphen within comment: <!-- secret 19826606056\n")
            == "Double hyphen within comment")
    }

    @Test("Single punctuation in quotes is kept; known values with quotes and unterminated quotes are hidden")
    func punctuationAndUnterminated() {
        #expect(DiagnosticRedactor.redact("Unescaped '<' not allowed in attributes values\n")
            == "Unescaped '<' not allowed in attributes values")
        #expect(DiagnosticRedactor.redact("Element 'A': 'it's secret' is not valid.", values: ["it's secret"])
            == "Element 'A': '…' is not valid.")
        #expect(DiagnosticRedactor.redact("String not closed expecting \" or '\n") == "String not closed expecting \" or '…")
    }

    @Test("Long diagnostics are cut")
    func bounded() {
        let redacted = DiagnosticRedactor.redact("Element '" + String(repeating: "a", count: 3000) + "': This element is not expected.")
        #expect(redacted.count == DiagnosticRedactor.maximumLength + 1)
        #expect(redacted.hasSuffix("…"))
        // A cut through a longer digit run leaves no national id behind.
        let digits = DiagnosticRedactor.redact("Element '" + String(repeating: "a", count: 380) + "1234567890123456': x")
        #expect(digits.hasSuffix("aaa***********…"), "\(digits.suffix(20))")
        // Past the first 4,096 bytes nothing is looked at, so a quote open there stays open.
        #expect(DiagnosticRedactor.redact("Element '" + String(repeating: "a", count: 5000) + "': not expected.") == "Element '…")
    }

    @Test("A value the message is cut inside is dropped from its start, however long")
    func cutInsideValue() {
        // libxml2 cuts messages at 64,000 bytes; the closing quote never comes.
        let value = String(repeating: "O'Brien 19826606056 ", count: 500_000)
        let message = "Element 'GenDate': '" + String(value.prefix(63_980))
        var redacted = ""
        let elapsed = Fixtures.cpuTime { redacted = DiagnosticRedactor.redact(message, values: [value]) }
        #expect(redacted == "Element 'GenDate': '…")
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
        // Collapsed as an xs:token value is.
        let spaced = "a'  b\n c"
        #expect(DiagnosticRedactor.redact("Element 'V': 'a' b c' is not valid.", values: [spaced]) == "Element 'V': '…' is not valid.")
    }
}

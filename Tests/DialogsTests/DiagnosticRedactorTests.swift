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
        let redacted = DiagnosticRedactor.redact("Element '" + String(repeating: "a", count: 5000) + "': This element is not expected.")
        #expect(redacted.count == DiagnosticRedactor.maximumLength + 1)
        #expect(redacted.hasSuffix("…"))
    }
}

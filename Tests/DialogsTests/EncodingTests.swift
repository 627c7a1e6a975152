import Foundation
import Testing
@testable import Dialogs

/// The wire contract allows UTF-8 only; everything else is refused before libxml2 sees it.
@Suite("Only UTF-8 bodies")
struct EncodingTests {
    private static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"

    /// An example with its XML declaration replaced.
    private func example(declaring declaration: String, file: String = "innsyn_bruk.xml") throws -> String {
        let text = try Fixtures.text(file)
        try #require(text.hasPrefix(Self.declaration))
        return declaration + text.dropFirst(Self.declaration.count)
    }

    @Test("A complete MsgHead in ISO-8859-1, declared and with Latin-1 bytes, is refused")
    func latin1() throws {
        let text = try example(declaring: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>")
        let body = try #require(text.data(using: .isoLatin1)).map { $0 }
        try #require(body.contains(0xF8))   // "ø" in "Fødselsnummer", one byte in Latin-1
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "the XML declaration names an encoding other than UTF-8"))
    }

    @Test("An ISO-8859-1 declaration is refused even when every byte is ASCII")
    func latin1DeclarationOnly() throws {
        let body = Array("<?xml version='1.0' encoding='iso-8859-1'?><AppRec/>".utf8)
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "the XML declaration names an encoding other than UTF-8"))
    }

    @Test("Latin-1 bytes without a declaration are invalid UTF-8, reported by offset only")
    func latin1WithoutDeclaration() throws {
        let text = try Fixtures.text("innsyn_bruk.xml")
        let body = try #require(text.data(using: .isoLatin1)).map { $0 }
        let offset = try #require(body.firstIndex(of: 0xF8))
        let error = Fixtures.parseError(body)
        #expect(error == .notUTF8(reason: "invalid UTF-8 at byte offset \(offset)"))
        #expect(!(error?.description.contains("F8") ?? true))
    }

    @Test("UTF-16 with a byte-order mark is refused", arguments: [true, false])
    func utf16(littleEndian: Bool) throws {
        let text = try example(declaring: "<?xml version=\"1.0\" encoding=\"UTF-16\"?>")
        let units = text.utf16.flatMap { unit in
            littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        let body = (littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]) + units
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "the body starts with a UTF-16 byte-order mark"))
    }

    @Test("UTF-16 without a byte-order mark is refused for its NUL bytes")
    func utf16WithoutBOM() throws {
        let body = try Fixtures.text("apprec-ok.xml").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(Fixtures.parseError(body)
            == .notUTF8(reason: "NUL byte at offset 1 (UTF-16 or UTF-32 without a byte-order mark?)"))
    }

    @Test("UTF-32 byte-order marks are refused", arguments: [[0x00, 0x00, 0xFE, 0xFF], [0xFF, 0xFE, 0x00, 0x00]] as [[UInt8]])
    func utf32(mark: [UInt8]) {
        #expect(Fixtures.parseError(mark + [0, 0, 0, 0x3C]) == .notUTF8(reason: "the body starts with a UTF-32 byte-order mark"))
    }

    @Test("A NUL byte anywhere is refused")
    func nul() throws {
        var body = try Fixtures.bytes("apprec-ok.xml")
        let offset = body.count - 20
        body[offset] = 0
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "NUL byte at offset \(offset) (UTF-16 or UTF-32 without a byte-order mark?)"))
    }

    @Test("Ill-formed UTF-8 sequences are refused", arguments: [
        [0xC0, 0xAF],               // overlong "/"
        [0xE0, 0x80, 0xAF],         // overlong
        [0xED, 0xA0, 0x80],         // a surrogate
        [0xF4, 0x90, 0x80, 0x80],   // past U+10FFFF
        [0xF8, 0x88, 0x80, 0x80],   // five-byte form
        [0x80],                     // a lone continuation byte
        [0xE2, 0x82],               // cut short
    ] as [[UInt8]])
    func illFormed(sequence: [UInt8]) throws {
        let prefix = Array("<AppRec xmlns=\"\(KnownNamespace.appRec11)\"><Id>".utf8)
        let body = prefix + sequence + Array("</Id></AppRec>".utf8)
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "invalid UTF-8 at byte offset \(prefix.count)"))
    }

    @Test("A UTF-8 byte-order mark and multi-byte characters are fine")
    func utf8BOM() throws {
        let body: [UInt8] = [0xEF, 0xBB, 0xBF] + (try Fixtures.bytes("innsyn_bruk.xml"))
        let parsed = try Fixtures.parser.parse(body)
        #expect(parsed.message?.id == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("UTF-8 may be named UTF-8 or UTF8, in any case and either quote", arguments: [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<?xml version=\"1.0\" encoding='Utf-8'?>",
        "<?xml version=\"1.0\" encoding = \"UTF8\" ?>",
        "<?xml version=\"1.0\" encoding=\"utf8\" standalone=\"yes\"?>",
        "<?xml version=\"1.0\"?>",
    ])
    func utf8Names(declaration: String) throws {
        let parsed = try Fixtures.parser.parse(Array(try example(declaring: declaration).utf8))
        #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
    }

    @Test("Other names for UTF-8 and other encodings are refused", arguments: [
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
        "<?xml version=\"1.0\" encoding=\"windows-1252\"?>",
        "<?xml version=\"1.0\" encoding=\"US-ASCII\"?>",
        "<?xml version=\"1.0\" encoding=\"UTF-8 \"?>",
        // Malformed, but libxml2 would still read the encoding: no space before it.
        "<?xml version=\"1.0\"encoding=\"latin1\"?>",
        "<?xml encoding=\"latin1\"?>",
    ])
    func otherNames(declaration: String) throws {
        #expect(Fixtures.parseError(Array(try example(declaring: declaration).utf8))
            == .notUTF8(reason: "the XML declaration names an encoding other than UTF-8"))
    }

    @Test("An encoding only looks like a declaration's after the body's first character")
    func notADeclaration() throws {
        // Not at the very start, so a processing instruction (which libxml2 refuses), not a
        // declaration: it cannot switch the encoding and is not refused as one.
        let body = Array((" " + (try example(declaring: "<?xml version=\"1.0\" encoding=\"latin1\"?>"))).utf8)
        guard case .notWellFormed = Fixtures.parseError(body) else {
            Issue.record("expected notWellFormed, got \(String(describing: Fixtures.parseError(body)))")
            return
        }
    }

    @Test("A control character is a well-formedness error libxml2 describes, without the payload")
    func controlCharacter() throws {
        let body = try Fixtures.example("apprec-ok.xml", replacing: "<Id>cd447e35", with: "<Id>cd447e35\u{01}")
        #expect(Fixtures.parseError(body) == .notWellFormed(line: 6, reason: "PCDATA invalid Char value 1"))
    }

    @Test("U+FFFE and U+FFFF are not XML characters")
    func nonCharacters() throws {
        let body = try Fixtures.example("apprec-ok.xml", replacing: "<Id>cd447e35", with: "<Id>cd447e35\u{FFFF}")
        #expect(Fixtures.parseError(body) == .notWellFormed(line: 6, reason: "Char 0xFFFF out of allowed range"))
    }

    @Test("A control character ends the scan inside a comment, where libxml2 would read on as markup")
    func controlCharacterInComment() throws {
        // libxml2 stops the comment at the control character and parses the rest as markup:
        // these attributes must never reach it.
        let attributes = (0..<100_000).map { "a\($0)=\"\"" }.joined(separator: " ")
        let body = Array("<r><!-- \u{01} <e \(attributes)/> --></r>".utf8)
        var error: DialogError?
        #expect(Fixtures.cpuTime { error = Fixtures.parseError(body) } < .milliseconds(500))
        #expect(error == .notWellFormed(line: 1, reason: "xmlParseComment: invalid xmlChar value 1"))
    }
}

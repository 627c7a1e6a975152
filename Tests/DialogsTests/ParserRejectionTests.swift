import Foundation
import Testing
@testable import Dialogs

@Suite("Bodies the parser refuses")
struct ParserRejectionTests {
    @Test("Not well-formed XML reports libxml2's first error and its line")
    func notWellFormed() throws {
        let body = try Fixtures.example("innsyn_bruk.xml", replacing: "</MsgId>", with: "</MsgIdX>")
        let error = try #require(Fixtures.parseError(body))
        guard case .notWellFormed(let line, let reason) = error else {
            Issue.record("expected notWellFormed, got \(error)")
            return
        }
        #expect(line == 7)
        // The first error, not the follow-on "Premature end of data" ones.
        #expect(reason.hasPrefix("Opening and ending tag mismatch: MsgId line 7 and MsgIdX"), "\(reason)")
    }

    @Test("An empty body is not well-formed")
    func emptyBody() {
        #expect(Fixtures.parseError([]) == .notWellFormed(line: 1, reason: "Document is empty"))
    }

    @Test("A body of white space only is not well-formed")
    func whitespaceBody() throws {
        let error = try #require(Fixtures.parseError(Array("  \n ".utf8)))
        guard case .notWellFormed = error else {
            Issue.record("expected notWellFormed, got \(error)")
            return
        }
    }

    @Test("Text after the root element is not well-formed")
    func trailingContent() throws {
        let body = try Fixtures.bytes("apprec-ok.xml") + Array("<AppRec/>".utf8)
        let error = try #require(Fixtures.parseError(body))
        #expect(error.description.contains("Extra content at the end of the document"), "\(error)")
    }

    @Test("Invalid UTF-8 is refused before parsing, by offset, without quoting the bytes")
    func invalidUTF8() throws {
        var body = try Fixtures.bytes("apprec-ok.xml")
        let index = try #require(body.firstIndex(of: UInt8(ascii: "E")))
        body[index] = 0xC3
        body[index + 1] = 0x28
        let error = try #require(Fixtures.parseError(body))
        #expect(error == .notUTF8(reason: "invalid UTF-8 at byte offset \(index)"))
        #expect(!error.description.contains("0xC3") && !error.description.contains("Bytes"), "\(error)")
    }

    @Test("A declared encoding other than UTF-8 is refused before libxml2 converts anything")
    func encodingError() {
        let body = Array("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<a>".utf8) + [0x82, 0xFF, 0xFF, 0x80] + Array("</a>".utf8)
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "the XML declaration names an encoding other than UTF-8"))
    }

    @Test("An undeclared namespace prefix is not well-formed")
    func undeclaredPrefix() throws {
        let body = try Fixtures.example("apprec-ok.xml", replacing: "<Status V=\"1\" DN=\"OK\"/>", with: "<x:Status V=\"1\"/>")
        let error = try #require(Fixtures.parseError(body))
        #expect(error == .notWellFormed(line: 9, reason: "Namespace prefix x on Status is not defined"))
    }

    @Test("A DOCTYPE is forbidden, even an innocent one")
    func doctype() throws {
        let body = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            with: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a comment -->\n<!DOCTYPE MsgHead>")
        #expect(Fixtures.parseError(body) == .doctypeForbidden)
    }

    @Test("A billion-laughs entity declaration is refused before it is parsed")
    func billionLaughs() {
        var lines = ["<?xml version=\"1.0\"?>", "<!DOCTYPE lolz [", "<!ENTITY lol \"lol\">"]
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            lines.append("<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">")
        }
        lines += ["]>", "<lolz>&lol9;</lolz>"]
        let body = Array(lines.joined(separator: "\n").utf8)
        let started = ContinuousClock.now
        #expect(Fixtures.parseError(body) == .doctypeForbidden)
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test("A DOCTYPE in a UTF-16 document is found by the scan")
    func utf16Doctype() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>"
        let body: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(Fixtures.parseError(body) == .doctypeForbidden)
    }

    @Test("An EBCDIC body, whose DOCTYPE the prolog scan cannot see, is refused as not UTF-8")
    func ebcdicDoctype() throws {
        // `<?xml version="1.0" encoding="IBM037"?>\n<!DOCTYPE a [<!ENTITY e "x">]>\n<a>&e;</a>\n` in IBM037.
        let hex = "4c6fa7949340a58599a28996957e7ff14bf07f4085958396848995877e7fc9c2d4f0f3f77f6f6e254c5ac4d6c3e3e8d7"
            + "c5408140ba4c5ac5d5e3c9e3e84085407fa77f6ebb6e254c816e50855e4c61816e25"
        var body: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            body.append(try #require(UInt8(hex[index..<next], radix: 16)))
            index = next
        }
        #expect(Fixtures.parseError(body) == .notUTF8(reason: "invalid UTF-8 at byte offset 2"))
    }

    @Test("The size limit is checked before parsing")
    func tooLarge() {
        // Not XML at all: a parse would fail differently, so this proves the order.
        let body = Array("this is not XML, and it is long".utf8)
        #expect(Fixtures.parseError(body, parser: DialogParser(maxBytes: 10)) == .tooLarge(size: body.count, limit: 10))
        // A body of exactly the limit is parsed.
        #expect(Fixtures.parseError(Array("<a/>".utf8), parser: DialogParser(maxBytes: 4))
            == .notADialogMessage(rootNamespace: nil, rootName: "a"))
    }

    @Test("A root that is not a MsgHead or an AppRec is not a dialog message", arguments: [
        ("<foo/>", nil, "foo"),
        ("<MsgHead xmlns=\"urn:example:other\"/>", "urn:example:other", "MsgHead"),
        ("<MsgHead/>", nil, "MsgHead"),
        ("<AppRec xmlns=\"\(KnownNamespace.msgHead)\"/>", KnownNamespace.msgHead, "AppRec"),
        ("<Dialogmelding xmlns=\"\(KnownNamespace.dialog11)\"/>", KnownNamespace.dialog11, "Dialogmelding"),
        ("<x:Foo xmlns:x=\"urn:19826606056\"/>", "urn:***********", "Foo"),
    ] as [(String, String?, String)])
    func notADialogMessage(body: String, namespace: String?, name: String) {
        #expect(Fixtures.parseError(Array(body.utf8)) == .notADialogMessage(rootNamespace: namespace, rootName: name))
    }

    @Test("Parser contexts are reused: a refused body leaves nothing behind for the next one")
    func reusedContexts() throws {
        let valid = try Fixtures.bytes("innsyn_bruk.xml")
        let refused: [([UInt8], DialogError)] = [
            (try Fixtures.example("innsyn_bruk.xml", replacing: "</MsgId>", with: "</MsgIdX>"),
             .notWellFormed(line: 7, reason: "Opening and ending tag mismatch: MsgId line 7 and MsgIdX")),
            (try Fixtures.example("apprec-ok.xml", replacing: "<Status V=\"1\" DN=\"OK\"/>", with: "<x:Status V=\"1\"/>"),
             .notWellFormed(line: 9, reason: "Namespace prefix x on Status is not defined")),
            (Array("<Foo/>".utf8), .notADialogMessage(rootNamespace: nil, rootName: "Foo")),
        ]
        // Twice round, so that each refusal also follows the others on a context they used.
        for _ in 0..<2 {
            for (body, expected) in refused {
                let error = Fixtures.parseError(body)
                if case .notWellFormed(let line, let reason)? = error, case .notWellFormed(let expectedLine, let prefix) = expected {
                    #expect(line == expectedLine && reason.hasPrefix(prefix), "\(reason)")
                } else {
                    #expect(error == expected)
                }
                let parsed = try Fixtures.parser.parse(valid)
                #expect(parsed.message?.id == "35bf992d-c9e9-4616-a12e-7696a6cecc1b")
                #expect(parsed.validate(with: try Fixtures.schemas()) == nil)
            }
        }
    }

    @Test("Error descriptions are operator-readable")
    func descriptions() {
        #expect(DialogError.tooLarge(size: 20, limit: 10).description == "message of 20 bytes is over the limit of 10 bytes")
        #expect(DialogError.notADialogMessage(rootNamespace: "urn:x", rootName: "foo").description
            == "root element {urn:x}foo is not a MsgHead or an AppRec in a known namespace")
        #expect(DialogError.missingElement("MsgInfo/MsgId").description == "required element MsgInfo/MsgId is missing or empty")
        #expect(DialogError.notUTF8(reason: "invalid UTF-8 at byte offset 7").description
            == "message is not UTF-8: invalid UTF-8 at byte offset 7")
        #expect(DialogError.tooComplex(line: 3, reason: "an element has more than 64 attributes").description
            == "message is too complex to parse at line 3: an element has more than 64 attributes")
    }
}

import Foundation
import Testing
@testable import Dialogs

/// Where a body leaves the grammar the pre-scan follows, libxml2 parses it only up to there:
/// it still describes the error, and cannot be led into markup the scan has not counted.
@Suite("Markup the pre-scan stops at")
struct MarkupScannerTests {
    /// 100,000 attributes: refused in milliseconds when counted, minutes of libxml2's time when not.
    private static let hiddenElement = "<e " + (0..<100_000).map { "a\($0)=''" }.joined(separator: " ") + "/>"

    @Test("libxml2 still describes the error, as it would in the whole body", arguments: [
        ("<r><a x=\"1\"y=\"2\"/></r>", "attributes construct error"),
        ("<r><a x=1/></r>", "AttValue: \" or '…"),
        ("<r><a x=\"<\"/></r>", "Unescaped '<' not allowed in attributes values"),
        ("<r><a x=\"&amp;<\"/></r>", "Unescaped '<' not allowed in attributes values"),
        ("<r><a x=\"" + String(repeating: "&amp;", count: 10) + "<\"/></r>", "Unescaped '<' not allowed in attributes values"),
        ("<r>&nbsp;</r>", "Entity '…' not defined"),
        ("<r>&amp</r>", "EntityRef: expecting ';'"),
        ("<r>&</r>", "xmlParseEntityRef: no name"),
        ("<r><a b=\"x</r>", "Unescaped '<' not allowed in attributes values"),
        ("<r><? x?></r>", "xmlParsePI : no target name"),
        ("<r><!foo></r>", "StartTag: invalid element name"),
        ("<r>< a/></r>", "StartTag: invalid element name"),
        ("<r/></r>", "Extra content at the end of the document"),
        ("<r></ r>", "expected '>'"),
    ])
    func describedByLibxml2(body: String, reason: String) {
        #expect(Fixtures.parseError(Array(body.utf8)) == .notWellFormed(line: 1, reason: reason))
    }

    @Test("A double hyphen in a comment is reported without the comment")
    func doubleHyphen() {
        let error = Fixtures.parseError(Array("<r><!-- patient 19826606056 -- note --></r>".utf8))
        #expect(error == .notWellFormed(line: 1, reason: "Double hyphen within comment"))
    }

    @Test("Markup libxml2 would read after an error it recovers from is never parsed", arguments: [
        // An attribute it cannot read: libxml2 reads the rest of the tag as text, then the element.
        "<r><a \">" + hiddenElement + "</r>",
        // A processing instruction without a target: its content is read as markup.
        "<r><?-x " + hiddenElement + " ?></r>",
        // A comment with "--->": libxml2's fast path does not end it there.
        "<r><!-- x --->" + hiddenElement + "--></r>",
        // An XML declaration ends at its first ">", however malformed.
        "<?xml version=\"1.0\" x>" + hiddenElement + "?>",
        // An attribute value with "<": libxml2 stops the value there.
        "<r><a b=\"" + hiddenElement + "\"/></r>",
        // The same without a closing quote (found by the fuzzer: the scan took the rest of the
        // body for the value).
        "<r><a b=\"x " + hiddenElement + "</r>",
    ])
    func hiddenMarkup(body: String) {
        var error: DialogError?
        let elapsed = Fixtures.cpuTime { error = Fixtures.parseError(Array(body.utf8)) }
        guard case .notWellFormed = error else {
            Issue.record("expected notWellFormed, got \(String(describing: error))")
            return
        }
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
    }

    @Test("The truncation stops at the next '>' and never runs into a '<' or a UTF-8 sequence")
    func truncation() {
        let body = Array("<r><a x=\"1\"y=\"2\" z=\"3\"><b/></a></r>".utf8)
        body.withUnsafeBufferPointer { buffer in
            // At "y": through the end of the tag.
            #expect(MarkupScanner.truncationEnd(buffer, malformedAt: 11) == 23)
            #expect(MarkupScanner.truncationEnd(buffer, malformedAt: buffer.count) == buffer.count)
        }
        // Never past a `<` the scan stopped at: libxml2 would read the tag after it.
        let value = Array("<r><a x=\"1<b y='2'>".utf8)
        value.withUnsafeBufferPointer { buffer in
            #expect(MarkupScanner.truncationEnd(buffer, malformedAt: 10) == 11)
        }
        let text = Array("<r>&ø<b/></r>".utf8)
        text.withUnsafeBufferPointer { buffer in
            #expect(MarkupScanner.truncationEnd(buffer, malformedAt: 3) == 6)
        }
    }

    @Test("A well-formed body scans completely, with what it counted")
    func statistics() throws {
        let body = try Fixtures.bytes("innsyn_bruk.xml")
        let report = try body.withUnsafeBufferPointer { buffer throws(DialogError) in
            try MarkupScanner.scan(buffer, upTo: buffer.count, limits: .defaults)
        }
        #expect(report.malformedAt == nil)
        #expect(report.statistics == MarkupScanner.Statistics(
            nodes: 72, depth: 7, attributesPerElement: 3, namespaceDeclarationsInScope: 2, distinctNames: 44))
    }

    @Test("Hashes remembered from earlier scans change no count")
    func rememberedHashes() throws {
        func distinctNames(_ text: String) throws -> Int {
            try Array(text.utf8).withUnsafeBufferPointer { buffer throws(DialogError) in
                try MarkupScanner.scan(buffer, upTo: buffer.count, limits: .defaults).statistics.distinctNames
            }
        }
        // Names of every length around the remembered ones' limit, each twice, with one-byte
        // differences at either end; scanned again, the memory (and its memo) is the pool's.
        let names = (1...30).flatMap { length in
            [String(repeating: "a", count: length), "b" + String(repeating: "a", count: length - 1),
             String(repeating: "a", count: length - 1) + "b"]
        }
        let body = "<r>" + (names + names).map { "<\($0)/>" }.joined() + "</r>"
        let expected = Set(names + ["r"]).count
        for _ in 0..<3 { #expect(try distinctNames(body) == expected) }
        // The same names in another body are counted as new there.
        #expect(try distinctNames("<r>" + names.prefix(10).map { "<\($0)/>" }.joined() + "</r>") == Set(names.prefix(10) + ["r"]).count)
    }
}

import Foundation
import Testing
@testable import Dialogs

/// Bodies at the 16 MiB size limit shaped to make libxml2 work harder than linearly. Before
/// the pre-scan the worst of these took minutes to hours; each must now be parsed (and
/// validated, when it parses) or refused within `bound` of CPU time.
///
/// Optimised, the slowest take 0.6 to 0.9 s (libxml2's own work on up to 2 million nodes);
/// in a debug build the pre-scan adds up to 0.8 s. The bound is there to catch blow-ups of
/// minutes, not to measure speed (hubbench does that): thread CPU time still grew to 3.3 s on
/// a machine whose two cores were busy with builds beside the tests, so the bound is 10 s.
/// Serialized: several build trees of a few hundred megabytes, and the timings mean more
/// without them competing for the machine's cores.
@Suite("Hostile bodies at the size limit", .serialized)
struct HostileBodyTests {
    static let bound = Duration.seconds(10)
    static let sizeLimit = 16 << 20
    /// Just under the default node limit, for shapes that should still parse.
    static let nodeBudget = ParseLimits.defaults.maxNodes - 10_000

    enum Expected: Sendable {
        /// Parsed (and validated, for a MsgHead), or parsed and found not to be a dialog message.
        case parsed
        /// Refused by the pre-scan (`tooComplex`).
        case refused
        /// Refused by libxml2 itself: 2.9.14 stops some bodies over 10 MB, depending on their
        /// shape, with "Huge input lookup" (its `XML_MAX_LOOKUP_LIMIT` without `XML_PARSE_HUGE`).
        case refusedByLibxml2
    }

    struct Shape: Sendable, CustomTestStringConvertible {
        var name: String
        var expected: Expected
        var make: @Sendable () -> [UInt8]
        var testDescription: String { name }
    }

    /// `head`, then `unit` as often as fits in the size limit (and at most `count` times), then `tail`.
    static func filled(_ head: String, _ unit: String, _ tail: String, count: Int = .max) -> [UInt8] {
        let room = sizeLimit - head.utf8.count - tail.utf8.count
        return Array(head.utf8) + Fixtures.repeated(unit, min(room / unit.utf8.count, count)) + Array(tail.utf8)
    }

    static func attributes(_ count: Int, prefix: String = "a") -> String {
        (0..<count).map { " \(prefix)\($0)=\"\"" }.joined()
    }

    static let shapes: [Shape] = [
        // Quadratic duplicate-attribute check.
        Shape(name: "64 attributes per element, up to the node limit", expected: .parsed) {
            filled("<r>", "<e\(attributes(64))/>", "</r>", count: nodeBudget / 65)
        },
        Shape(name: "64 attributes per element, past the node limit", expected: .refused) {
            filled("<r>", "<e\(attributes(64))/>", "</r>")
        },
        Shape(name: "65 attributes on every element", expected: .refused) {
            filled("<r>", "<e\(attributes(65))/>", "</r>")
        },
        // Namespace look-ups: the declarations in scope, and the ancestors when building the tree.
        Shape(name: "64 declarations, 63 deep, prefixed names on the first-declared prefix", expected: .parsed) {
            let declarations = (0..<64).map { " xmlns:p\($0)=\"urn:x:\($0)\"" }.joined()
            return filled("<r\(declarations)>" + String(repeating: "<d>", count: 62), "<p0:e\(attributes(8, prefix: "p0:a"))/>",
                          String(repeating: "</d>", count: 62) + "</r>", count: (nodeBudget - 200) / 9)
        },
        Shape(name: "1,000 declarations in scope", expected: .refused) {
            let declarations = (0..<4).map { " xmlns:q\($0)=\"urn:q\"" }.joined()
            return filled("<r>" + String(repeating: "<d\(declarations)>", count: 250), "<e/>", "")
        },
        // The name dictionary stops growing.
        Shape(name: "1.5 million distinct names", expected: .refused) {
            Array(("<r>" + (0..<1_500_000).map { "<n\($0)/>" }.joined() + "</r>").utf8)
        },
        Shape(name: "9,900 distinct names, used up to the node limit", expected: .parsed) {
            let names = (0..<9_900).map { "<n\($0)/>" }.joined()
            return filled("<r>", names, "</r>", count: nodeBudget / 9_900)
        },
        Shape(name: "1.2 million distinct three-byte values", expected: .refused) {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")
            let values = (0..<1_200_000).map { index in
                "<a v=\"\(alphabet[index % 66])\(alphabet[index / 66 % 66])\(alphabet[index / 4_356 % 66])\"/>"
            }
            return Array(("<r>" + values.joined() + "</r>").utf8)
        },
        // Depth.
        Shape(name: "64 deep, again and again", expected: .parsed) {
            filled("<r>", String(repeating: "<a>", count: 63) + String(repeating: "</a>", count: 63), "</r>", count: nodeBudget / 63)
        },
        Shape(name: "65 deep", expected: .refused) {
            filled("<r>", String(repeating: "<a>", count: 64) + String(repeating: "</a>", count: 64), "</r>")
        },
        // Many nodes, and the memory of the tree.
        Shape(name: "elements with text between, up to the node limit", expected: .parsed) {
            filled("<r>", "<a/>x", "</r>", count: nodeBudget)
        },
        Shape(name: "4 million empty elements", expected: .refused) { filled("<r>", "<a/>", "</r>") },
        Shape(name: "comments up to the node limit", expected: .parsed) { filled("<r>", "<!---->", "</r>", count: nodeBudget) },
        Shape(name: "processing instructions", expected: .refused) { filled("<r>", "<?p?>", "</r>") },
        Shape(name: "CDATA sections", expected: .parsed) { filled("<r>", "<![CDATA[]]>", "</r>") },
        // Long names and values, references.
        Shape(name: "names of 49,000 bytes", expected: .refusedByLibxml2) {
            let name = String(repeating: "n", count: 49_000)
            return filled("<r>", "<\(name) \(name)=\"\"></\(name)>", "</r>")
        },
        Shape(name: "an attribute value of 10,000,000 bytes of entity references", expected: .refusedByLibxml2) {
            Array("<r a=\"".utf8) + Fixtures.repeated("&amp;", 2_000_000) + Array("\"/>".utf8)
        },
        Shape(name: "3 million entity references in text", expected: .parsed) { filled("<r>", "&lt;", "</r>") },
        Shape(name: "3 million character references in text", expected: .parsed) { filled("<r>", "&#65;", "</r>") },
        Shape(name: "an attribute value over libxml2's limit, hiding attributes", expected: .refused) {
            Array("<r a=\"".utf8) + Fixtures.repeated("&amp;", 2_000_001) + Array(" \(attributes(100_000))\"/>".utf8)
        },
        Shape(name: "a comment over libxml2's limit, hiding an element", expected: .refused) {
            Array("<r><!--".utf8) + Fixtures.repeated("x", 10_000_001) + Array("<e\(attributes(100_000))/>--></r>".utf8)
        },
        // Legitimate at the limit.
        Shape(name: "a 16 MiB base64 attachment", expected: .parsed) {
            let text = (try? Fixtures.text("innsyn_bruk.xml")) ?? ""
            let document = "<Document><RefDoc><IssueDate V=\"2026-03-04T10:15:00+01:00\"/><MsgType V=\"A\"/>"
                + "<MimeType>application/pdf</MimeType><Content><Base64Container xmlns=\"http://www.kith.no/xmlstds/base64container\">"
            let head = text.replacingOccurrences(of: "</MsgHead>", with: document)
            return filled(head, "QUJD", "</Base64Container></Content></RefDoc></Document></MsgHead>")
        },
        Shape(name: "a 16 MiB FHIR bundle", expected: .parsed) {
            let text = (try? Fixtures.text("innsyn_bruk.xml")) ?? ""
            let head = text.replacingOccurrences(of: "</MsgHead>", with: "<Document><RefDoc><IssueDate V=\"2026-03-04T10:15:00+01:00\"/>"
                + "<MsgType V=\"XML\"/><Content><Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"collection\"/>")
            let entry = "\n  <entry>\n    <fullUrl value=\"urn:uuid:8c2a\"/>\n    <resource>\n      <Observation>\n"
                + "        <id value=\"obs-1\"/>\n        <status value=\"final\"/>\n        <code><coding><system value=\"http://loinc.org\"/>"
                + "<code value=\"8867-4\"/><display value=\"Heart rate\"/></coding></code>\n        <valueQuantity><value value=\"72\"/>"
                + "<unit value=\"beats/minute\"/></valueQuantity>\n      </Observation>\n    </resource>\n  </entry>"
            return filled(head, entry, "</Bundle></Content></RefDoc></Document></MsgHead>")
        },
        // Schema validation of a value libxml2 quotes in its error, cut at 64,000 bytes.
        Shape(name: "a date of 16 MiB of quotes and text", expected: .parsed) {
            let text = (try? Fixtures.text("innsyn_bruk.xml")) ?? ""
            let parts = text.components(separatedBy: "2026-03-04T10:15:00+01:00</GenDate>")
            return filled(parts[0], "O'Brien ", "</GenDate>" + parts.dropFirst().joined(separator: "2026-03-04T10:15:00+01:00</GenDate>"))
        },
        // Schema validation: libxml2 matches the official OID pattern in quadratic time. Kept
        // under 10 MB, which libxml2 would refuse for this shape before validation.
        Shape(name: "9 MiB of OID attributes of 1,000 digits", expected: .parsed) {
            let text = (try? Fixtures.text("innsyn_bruk.xml")) ?? ""
            let marker = "<Ident><Id>10037001</Id>"
            let ident = "<Ident><Id>1</Id><TypeId V=\"X\" S=\"" + String(repeating: "1", count: 1_000) + "x\"/></Ident>"
            let parts = text.components(separatedBy: marker)
            guard parts.count == 2 else { return [] }
            return Array(parts[0].utf8) + Fixtures.repeated(ident, (9 << 20) / ident.utf8.count) + Array((marker + parts[1]).utf8)
        },
    ]

    /// The quick refusals first, while the other suites may still be running beside this one.
    @Test("Parsed or refused within the bound", arguments: shapes.filter { $0.expected != .parsed } + shapes.filter { $0.expected == .parsed })
    func shape(_ shape: Shape) throws {
        let body = shape.make()
        #expect(body.count <= Self.sizeLimit)
        let schemas = try Fixtures.schemas()
        let parser = DialogParser(maxBytes: Self.sizeLimit)
        var outcome = ""
        let elapsed = Fixtures.cpuTime {
            do throws(DialogError) {
                let parsed = try parser.parse(body)
                outcome = parsed.validate(with: schemas).map { "invalid: \($0)" } ?? "valid"
            } catch {
                outcome = "\(error)"
                switch (shape.expected, error) {
                case (.refused, .tooComplex), (.parsed, .notADialogMessage), (.refusedByLibxml2, .notWellFormed):
                    return
                default:
                    Issue.record("unexpected \(error)")
                }
            }
            #expect(shape.expected == .parsed, "\(outcome)")
        }
        #expect(elapsed < Self.bound, "\(elapsed): \(outcome.prefix(200))")
        #expect(!outcome.contains("Brien"), "\(outcome.prefix(200))")
    }

    @Test("An OID of 100,000 digits is rejected by the schema in milliseconds, with the same message")
    func longOID() throws {
        let body = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "S=\"2.16.578.1.12.4.1.1.7605\"",
            with: "S=\"" + String(repeating: "1", count: 100_000) + "x\"")
        let parsed = try Fixtures.parser.parse(body)
        let schemas = try Fixtures.schemas()
        var violation: SchemaViolation?
        #expect(Fixtures.cpuTime { violation = parsed.validate(with: schemas) } < .milliseconds(500))
        // libxml2 cuts its messages at 64,000 bytes, so the value's closing quote is lost too.
        #expect(violation?.message == "Element '{\(KnownNamespace.dialog11)}TypeForesp', attribute 'S': [facet 'pattern'] "
            + "The value '…")
    }

    @Test("The rewritten OID pattern accepts exactly what the official one does", arguments: [
        ("2.16.578.1.12.4.1.1.7605", true), ("1", true), ("10.0", true), ("1..2", false), (".1", false), ("1.", false),
        ("", false), ("1.a", false), ("١٢", true),
    ])
    func oidPattern(value: String, valid: Bool) throws {
        let body = try Fixtures.example(
            "innsyn_bruk.xml", replacing: "S=\"2.16.578.1.12.4.1.1.7605\"", with: "S=\"\(value)\"")
        let violation = try Fixtures.parser.parse(body).validate(with: try Fixtures.schemas())
        #expect((violation == nil) == valid, "\(String(describing: violation))")
    }
}

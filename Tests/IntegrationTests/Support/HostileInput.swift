import AMQPBridge
import Foundation
import Hub

/// Bodies and headers an attacker or a careless sender makes.
enum HostileInput {
    static let function = "DIALOG_INNBYGGER_HREG_INNSYN_BRUK"
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    static let innsyn = (try? String(decoding: TestEnvironment.example("innsyn_bruk.xml"), as: UTF8.self)) ?? ""
    /// The example's MsgId element, replaced by a fresh one in every copy.
    static let exampleMsgId = "<MsgId>35bf992d-c9e9-4616-a12e-7696a6cecc1b</MsgId>"
    /// Identity numbers (synthetic, valid check digits) that must never leave in a header.
    static let identityNumbers = ["20835622828", "06898032297"]

    /// A valid portal → register message with a MsgId of its own (so no two are duplicates).
    static func validText(_ msgId: String = UUID().uuidString.lowercased()) -> String {
        innsyn.replacingOccurrences(of: exampleMsgId, with: "<MsgId>\(msgId)</MsgId>")
    }

    static func validBody(_ msgId: String = UUID().uuidString.lowercased()) -> [UInt8] { Array(validText(msgId).utf8) }

    /// The headers a well-formed submission carries, as long strings.
    static func headers(
        from: Int = TestParties.helsenorge, to: Int = TestParties.register, function: String? = nil
    ) -> [String: AMQPFieldValue] {
        var headers: [String: AMQPFieldValue] = [
            HeaderName.fromHerId: .string(String(from)), HeaderName.toHerId: .string(String(to)),
            HeaderName.applicationTimeStamp: .string(Timestamp.format(Date())),
        ]
        if let function { headers[HeaderName.messageType] = .string(function) }
        return headers
    }

    /// A good submission, delivered.
    static func good(_ label: String) -> HostileSubmission {
        HostileSubmission(label: label, body: validBody(), headers: headers(), expect: .delivered)
    }

    /// A bad body sent with a correct message function in the header, so that check 1 passes and
    /// the body check (3) is what refuses it.
    static func badBody(_ label: String, _ body: [UInt8]) -> HostileSubmission {
        HostileSubmission(
            label: label, body: body, headers: headers(function: function),
            expect: .error("transport:not-well-formed-xml", description: "Could not deserialize payload", data: ""))
    }

    // MARK: DOCTYPEs and entities

    static let billionLaughs: String = {
        var entities = "<!ENTITY lol \"lol\">"
        for level in 1...9 {
            let previous = level == 1 ? "lol" : "lol\(level - 1)"
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&\(previous);", count: 10) + "\">"
        }
        return "<!DOCTYPE MsgHead [\(entities)]>"
    }()

    /// (name, prolog to insert after the XML declaration, entity reference to put in the text).
    static let doctypes: [(name: String, doctype: String, reference: String)] = [
        ("billion laughs", billionLaughs, "&lol9;"),
        ("external entity (XXE)", "<!DOCTYPE MsgHead [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>", "&xxe;"),
        ("parameter entities",
         "<!DOCTYPE MsgHead [<!ENTITY % file SYSTEM \"file:///etc/passwd\"><!ENTITY % wrap \"<!ENTITY send SYSTEM 'http://127.0.0.1:9/?%file;'>\">%wrap;]>",
         "&send;"),
        ("internal subset only", "<!DOCTYPE MsgHead [<!ELEMENT MsgHead ANY><!ATTLIST MsgHead x CDATA \"y\">]>", ""),
        ("external DTD", "<!DOCTYPE MsgHead SYSTEM \"file:///etc/passwd\">", ""),
        ("DOCTYPE behind a comment and a PI", "<!-- c --><?pi x?>\n<!DOCTYPE MsgHead [<!ENTITY e \"x\">]>", "&e;"),
    ]

    /// The example with `doctype` after its declaration and `reference` in its text.
    static func withDoctype(_ doctype: String, reference: String) -> String {
        validText()
            .replacingOccurrences(of: declaration, with: declaration + "\n" + doctype)
            .replacingOccurrences(of: "<Sporsmal>", with: "<Sporsmal>\(reference)")
    }

    // MARK: Encodings

    enum Encoding: String, CaseIterable, Sendable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8 with BOM"
        case utf16LEBOM = "UTF-16LE with BOM"
        case utf16BEBOM = "UTF-16BE with BOM"
        case utf16LE = "UTF-16LE without BOM"
        case utf16BE = "UTF-16BE without BOM"
        case latin1 = "ISO-8859-1"
        case windows1252 = "windows-1252"

        /// The name the XML declaration gives.
        var declared: String {
            switch self {
            case .utf8, .utf8BOM: "UTF-8"
            case .utf16LEBOM, .utf16BEBOM, .utf16LE, .utf16BE: "UTF-16"
            case .latin1: "ISO-8859-1"
            case .windows1252: "windows-1252"
            }
        }

        /// `text` (which starts with the UTF-8 declaration) in this encoding, declared so.
        func encode(_ text: String) -> [UInt8] {
            let declared = text.replacingOccurrences(of: "encoding=\"UTF-8\"", with: "encoding=\"\(self.declared)\"")
            func utf16(littleEndian: Bool) -> [UInt8] {
                declared.utf16.flatMap { unit in
                    littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)]
                }
            }
            switch self {
            case .utf8: return Array(declared.utf8)
            case .utf8BOM: return [0xEF, 0xBB, 0xBF] + Array(declared.utf8)
            case .utf16LEBOM: return [0xFF, 0xFE] + utf16(littleEndian: true)
            case .utf16BEBOM: return [0xFE, 0xFF] + utf16(littleEndian: false)
            case .utf16LE: return utf16(littleEndian: true)
            case .utf16BE: return utf16(littleEndian: false)
            case .latin1, .windows1252:
                return declared.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
            }
        }
    }

    // MARK: Structure

    /// The example with its Content replaced by `content` (in a namespace hubd has no schema for).
    static func withContent(_ content: String) -> String {
        let text = validText()
        guard let start = text.range(of: "<Content>"), let end = text.range(of: "</Content>") else { return text }
        return text.replacingCharacters(in: start.upperBound..<end.lowerBound, with: content)
    }

    /// `depth` nested elements inside Content, closed.
    static func deepContent(depth: Int) -> [UInt8] {
        let text = withContent("@@")
        let parts = text.components(separatedBy: "@@")
        var body = Array(parts[0].utf8)
        body.reserveCapacity(body.count + depth * 9)
        body += Array("<x:n xmlns:x=\"urn:example:deep\">".utf8)
        for _ in 1..<depth { body += Array("<x:n>".utf8) }
        for _ in 0..<depth { body += Array("</x:n>".utf8) }
        return body + Array(parts[1].utf8)
    }

    /// `depth` opening tags at the root, never closed.
    static func deepUnclosed(depth: Int) -> [UInt8] {
        Array(declaration.utf8) + Array(repeating: Array("<a>".utf8), count: depth).flatMap { $0 }
    }

    /// ` a0="1" a1="1" …`: `count` distinct attributes.
    static func attributes(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 12)
        for index in 0..<count { bytes += Array(" a\(index)=\"1\"".utf8) }
        return bytes
    }

    /// The example whose root element carries `count` extra attributes.
    static func attributeFloodOnRoot(_ count: Int) -> [UInt8] {
        let text = validText()
        let root = "<MsgHead xmlns=\"http://www.kith.no/xmlstds/msghead/2006-05-24\""
        let parts = text.components(separatedBy: root)
        return Array((parts[0] + root).utf8) + attributes(count) + Array(parts[1].utf8)
    }

    /// The example with one element in Content (a foreign namespace) carrying `count` attributes.
    static func attributeFloodInContent(_ count: Int) -> [UInt8] {
        let parts = withContent("@@").components(separatedBy: "@@")
        return Array((parts[0] + "<x:Data xmlns:x=\"urn:example:flood\"").utf8) + attributes(count)
            + Array("/>".utf8) + Array(parts[1].utf8)
    }

    /// An attribute flood on the root filling `bytes` exactly (padded in the last attribute).
    static func attributeFlood(bytes total: Int) -> [UInt8] {
        let head = Array("\(declaration)\n<MsgHead xmlns=\"http://www.kith.no/xmlstds/msghead/2006-05-24\"".utf8)
        let tail = Array(" z=\"\"/>".utf8)
        var body = head
        body.reserveCapacity(total)
        var index = 0
        while body.count + 20 + tail.count < total {
            body += Array(" a\(index)=\"1\"".utf8)
            index += 1
        }
        body += Array(" z=\"".utf8) + Array(repeating: UInt8(ascii: "x"), count: total - body.count - tail.count) + Array("\"/>".utf8)
        return body
    }

    /// The example padded with a trailing comment to exactly `size` bytes.
    static func padded(to size: Int) -> [UInt8] {
        let body = validBody()
        let frame = Array("<!---->".utf8)
        let filler = max(0, size - body.count - frame.count)
        return body + Array("<!--".utf8) + Array(repeating: UInt8(ascii: "x"), count: filler) + Array("-->".utf8)
    }

    // MARK: Seeded damage

    /// Where the root element of a valid body ends (a truncation before it cannot be valid).
    static func endOfRoot(_ body: [UInt8]) -> Int {
        let closing = Array("</MsgHead>".utf8)
        var index = body.count - closing.count
        while index >= 0 {
            if Array(body[index..<index + closing.count]) == closing { return index + closing.count }
            index -= 1
        }
        return body.count
    }

    /// `body` with 1 to 4 random edits: a byte replaced, inserted or deleted, a bit flipped, a
    /// slice duplicated.
    static func mutate(_ body: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = body
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
            case 2: if bytes.count > 1 { bytes.remove(at: position) }
            case 3: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)
            default:
                let end = min(bytes.count, position + Int.random(in: 1...40, using: &random))
                bytes.insert(contentsOf: bytes[position..<end], at: position)
            }
        }
        return bytes
    }
}

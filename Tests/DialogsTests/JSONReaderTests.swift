import Testing
@testable import Dialogs

@Suite("Reading JSON", .timeLimit(.minutes(2)))
struct JSONReaderTests {
    private func read(_ text: String) throws(JSONReadError) -> JSONValue {
        try JSONReader.read(Array(text.utf8))
    }

    @Test("Values", arguments: [
        (" {\"a\" : [1, -2, true, false, null, \"x\"]} ", JSONValue.object(["a": .array([.integer(1), .integer(-2), .bool(true), .bool(false), .null, .string("x")])])),
        ("1.0", .integer(1)), ("1e3", .integer(1000)), ("-0", .integer(0)), ("-0.0", .integer(0)), ("1.5", .number(1.5)),
        ("99999999999999999999", .number(1e20)), ("9007199254740993", .integer(9_007_199_254_740_993)),
        (#""\u00e6\u00C6\ud83d\ude00\/\"\\\b\f\n\r\t""#, .string("æÆ😀/\"\\\u{8}\u{C}\n\r\t")),
        ("\"æ\"", .string("æ")), ("{}", .object([:])), ("[]", .array([])),
    ])
    func values(text: String, expected: JSONValue) throws {
        #expect(try read(text) == expected)
    }

    @Test("Refusals", arguments: [
        ("", 0), ("{", 1), ("{\"a\":1,}", 7), ("[1,]", 3), ("01", 1), ("1.", 0), ("-", 0), ("1e", 0), ("NaN", 0), ("1e400", 0),
        ("{\"a\":1,\"a\":1}", 7), ("\"\\ud800\"", 1), ("\"\\udc00\"", 1), ("\"\\ud800\\u0041\"", 1), ("\"\\x\"", 1),
        ("\"a\u{1}\"", 2), ("\"abc", 0), ("\u{FEFF}{}", 0), ("{} {}", 3), ("tru", 0), ("{1:2}", 1), ("[1 2]", 3),
    ])
    func refusals(text: String, offset: Int) {
        #expect(throws: JSONReadError.self) { try read(text) }
        do {
            _ = try read(text)
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test("Bytes that are not UTF-8 inside a string are refused")
    func notUTF8() {
        #expect(throws: JSONReadError(offset: 0, reason: "a string is not UTF-8")) { try JSONReader.read([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONReadError.self) { try JSONReader.read([0x22, 0xED, 0xA0, 0x80, 0x22]) }  // an encoded surrogate
    }

    @Test("Nesting is bounded")
    func depth() throws {
        let deep = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        _ = try read(deep)
        #expect(throws: JSONReadError.self) { try read("[" + deep + "]") }
        #expect(throws: JSONReadError.self) { try read(String(repeating: "[", count: 100_000)) }
    }
}

import Testing
@testable import Dialogs

@Suite("Canonical JSON", .timeLimit(.minutes(2)))
struct CanonicalJSONTests {
    private func canonical(_ text: String) throws -> String {
        String(decoding: try JSONReader.read(Array(text.utf8)).canonicalBytes, as: UTF8.self)
    }

    @Test("Members sorted, no white space, shortest escapes")
    func form() throws {
        #expect(try canonical(#" { "b" : [ 1 , 2.5 , 1e21 ] , "a" : null , "" : true } "#) == #"{"":true,"a":null,"b":[1,2.5,1e+21]}"#)
        #expect(try canonical(#""\u0041\u00e6\u2028\u007f\/\"\\\b\f\n\r\t\u0001\u001F""#) == "\"Aæ\u{2028}\u{7F}/\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\"")
        // Sorted by UTF-16 code units (RFC 8785): U+1F600, whose first unit is a surrogate (D83D), before U+E000.
        #expect(try canonical("{\"\u{E000}\":2,\"\u{1F600}\":1,\"b\":3,\"B\":4}") == "{\"B\":4,\"b\":3,\"\u{1F600}\":1,\"\u{E000}\":2}")
    }

    @Test("Documents that differ in order, spacing and escaping only have the same canonical bytes")
    func equality() throws {
        #expect(try canonical(#"{"a":{"y":1,"x":[true]},"b":"\u00e6"}"#) == canonical("{ \"b\":\"æ\",\n\t\"a\": {\"x\": [ true ], \"y\": 1.0} }"))
        #expect(try canonical(#"{"a":[1,2]}"#) != canonical(#"{"a":[2,1]}"#))
    }
}

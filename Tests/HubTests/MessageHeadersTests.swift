import Foundation
@testable import Hub
import Testing

@Suite struct MessageHeadersTests {
    @Test func keepsOneValuePerNameInNameOrder() {
        var headers: MessageHeaders = ["toHerId": "2", "fromHerId": "1", "msgId": "m"]
        #expect(headers.keys == ["fromHerId", "msgId", "toHerId"])
        headers["applicationTimeStamp"] = "t"
        headers["zzz"] = "last"
        headers["msgId"] = "m2"
        #expect(headers.map(\.key) == ["applicationTimeStamp", "fromHerId", "msgId", "toHerId", "zzz"])
        #expect(headers.values == ["t", "1", "m2", "2", "last"])
        #expect(headers["msgId"] == "m2" && headers["nothing"] == nil && headers.count == 5)

        headers["fromHerId"] = nil
        headers["absent"] = nil
        #expect(headers.removeValue(forKey: "zzz") == "last")
        #expect(headers.removeValue(forKey: "zzz") == nil)
        #expect(headers.keys == ["applicationTimeStamp", "msgId", "toHerId"])
    }

    @Test func isTheSameWhateverOrderItWasBuiltIn() {
        let pairs = (0..<40).map { (key: "h\($0 * 7919 % 40)", value: "v\($0)") }
        let forwards = MessageHeaders(pairs)
        let backwards = MessageHeaders(Array(pairs.reversed()))
        #expect(forwards == backwards)
        #expect(forwards.keys == forwards.keys.sorted())
        #expect(forwards.dictionary == Dictionary(uniqueKeysWithValues: pairs))
        #expect(forwards != MessageHeaders(Array(pairs.dropLast())))
        // A name given twice keeps its last value, as a dictionary's assignment would.
        #expect(MessageHeaders([(key: "a", value: "1"), (key: "b", value: "x"), (key: "a", value: "2"), (key: "a", value: "3")]) == ["a": "3", "b": "x"])
        #expect(MessageHeaders([(key: "a", value: "1"), (key: "b", value: "x"), (key: "a", value: "2")]).values == ["2", "x"])
    }

    @Test func manyHeadersInAnyOrderKeepTheLastValueOfEachName() {
        // Past the sizes a sort handles by insertion, so that the merging passes keep the
        // order of equal names too.
        var given: [MessageHeaders.Element] = []
        for round in 0..<5 {
            for name in (0..<500).shuffled() { given.append((key: "h\(name)", value: "\(round)")) }
        }
        given.append((key: "h7", value: "last"))
        let headers = MessageHeaders(given)
        #expect(headers.count == 500)
        #expect(headers.keys == headers.keys.sorted())
        #expect(headers.values.filter { $0 == "4" }.count == 499)
        #expect(headers["h7"] == "last")
    }

    @Test func codesAsTheObjectItWas() throws {
        let headers: MessageHeaders = ["b": "2", "a": "1"]
        let json = try JSONEncoder().encode(headers)
        #expect(try JSONDecoder().decode([String: String].self, from: json) == ["a": "1", "b": "2"])
        #expect(try JSONDecoder().decode(MessageHeaders.self, from: Data(#"{"b":"2","a":"1"}"#.utf8)) == headers)
    }
}

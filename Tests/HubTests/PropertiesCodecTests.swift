import Foundation
@testable import Hub
import Testing

@Suite struct PropertiesCodecTests {
    @Test func roundTripsEveryField() throws {
        let properties = MessageProperties(
            messageId: "id-1", correlationId: nil, replyTo: "q_async", contentType: "application/xml",
            type: "DIALOG_INNBYGGER_HREG_INNSYN_BRUK", expiration: "",
            headers: ["fromHerId": "10037002", "errorDescription": "linje 3: 'æøå' — \u{1F600}", "empty": "", String(repeating: "k", count: 300): "long key"])
        #expect(try PropertiesCodec.decode(PropertiesCodec.encode(properties)) == properties)
        #expect(try PropertiesCodec.decode(PropertiesCodec.encode(MessageProperties())) == MessageProperties())
    }

    @Test func equalHeadersStoreAsEqualBytesInNameOrder() throws {
        var built = MessageHeaders()
        for name in ["toHerId", "fromHerId", "msgId"] { built[name] = name.uppercased() }
        let encoded = PropertiesCodec.encode(MessageProperties(headers: built))
        #expect(encoded == PropertiesCodec.encode(MessageProperties(headers: ["msgId": "MSGID", "fromHerId": "FROMHERID", "toHerId": "TOHERID"])))
        // Version, six absent fields, three headers, then "fromHerId" (9 bytes) first.
        #expect(Array(encoded.prefix(10)) == [1, 0, 0, 0, 0, 0, 0, 3, 9, UInt8(ascii: "f")])
        #expect(try PropertiesCodec.decode(encoded).headers.keys == ["fromHerId", "msgId", "toHerId"])
    }

    @Test func refusesDamagedBytes() {
        let encoded = PropertiesCodec.encode(MessageProperties(messageId: "abc", headers: ["a": "b"]))
        #expect(throws: CorruptRecord.self) { _ = try PropertiesCodec.decode(encoded.prefix(encoded.count - 1)) }
        #expect(throws: CorruptRecord.self) { _ = try PropertiesCodec.decode(Data([9])) }
        #expect(throws: CorruptRecord.self) { _ = try PropertiesCodec.decode(Data()) }
    }
}

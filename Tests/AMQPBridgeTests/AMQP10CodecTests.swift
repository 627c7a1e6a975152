@testable import AMQPBridge
import Testing

/// The AMQP 1.0 decoder and encoder against bytes the real plugin produced (`AMQP10Fixtures`),
/// and against hostile bytes: every malformed input is an `AMQP10Error`, never a crash.
@Suite("AMQP 1.0 codec", .timeLimit(.minutes(1)))
struct AMQP10CodecTests {
    typealias Fixture = AMQP10Fixtures

    @Test func readsTheCapturedPropertiesSection() throws {
        let properties = try AMQP10Properties(encoded: Fixture.DataSection.properties)
        #expect(properties.messageId == .string("0f8fad5b-d9cb-469f-a165-70867728950e"))
        #expect(properties.userId == .null)
        #expect(properties.to == .string("hubd.submit"))
        #expect(properties.subject == .string("DIALOG_INNBYGGER_EKONTAKT"))
        #expect(properties.replyTo == .string("8142987_async"))
        #expect(properties.correlationId == .string("0f8fad5b-d9cb-469f-a165-70867728950e"))
        #expect(properties.contentType == .symbol("application/xml"))
    }

    @Test func encodesPropertiesExactlyAsTheClientDid() throws {
        let properties = try AMQP10Properties(encoded: Fixture.DataSection.properties)
        #expect(properties.encoded() == Fixture.DataSection.properties)
        let short = try AMQP10Properties(encoded: Fixture.AmqpValueString.properties)
        #expect(short.encoded() == Fixture.AmqpValueString.properties)
    }

    @Test func readsAUuidMessageId() throws {
        let properties = try AMQP10Properties(encoded: Fixture.AmqpValueBinary.properties)
        #expect(properties.messageId.text == "0f8fad5b-d9cb-469f-a165-70867728950e")
    }

    @Test func readsTheCapturedApplicationProperties() throws {
        let application = try AMQP10ApplicationProperties(encoded: Fixture.DataSection.applicationProperties)
        #expect(application.texts == [
            "fromHerId": "8142987", "toHerId": "8142988",
            "applicationTimeStamp": "2026-12-03T10:00:00.123+01:00", "cpaId": "",
        ])
        #expect(application.entries.map(\.key) == ["fromHerId", "toHerId", "applicationTimeStamp", "cpaId"])
        // Typed values: a long, a double and a boolean read as their text.
        let typed = try AMQP10ApplicationProperties(encoded: Fixture.AmqpValueString.applicationProperties)
        #expect(typed.texts == ["fromHerId": "8142987", "n": "1.5", "b": "true"])
    }

    @Test func applicationPropertiesRoundTrip() throws {
        let strings = ["fromHerId": "8142987", "toHerId": "8142988", "X-MessageInfo-Type": "APPREC",
                       "long": String(repeating: "x", count: 300)]
        let encoded = AMQP10ApplicationProperties(strings).encoded()
        #expect(Array(encoded.prefix(3)) == [0x00, 0x53, 0x74])
        #expect(try AMQP10ApplicationProperties(encoded: encoded).texts == strings)
        // The client's map32 and our compact form say the same.
        let captured = try AMQP10ApplicationProperties(encoded: Fixture.DataSection.applicationProperties)
        #expect(try AMQP10ApplicationProperties(encoded: captured.encoded()) == captured)
    }

    /// Both sections are written in place, without a tree of values; they must say byte for
    /// byte what the generic encoder says of the same tree, in the short forms and the long.
    @Test func sectionsWrittenInPlaceMatchTheGenericEncoder() {
        var properties = AMQP10Properties()
        #expect(properties.encoded() == AMQP10Encoder.encode(AMQP10Section.properties.wrapping(.list([]))))
        properties.messageId = .string("id-1")
        properties.subject = .string("DIALOG_INNBYGGER_EKONTAKT")
        properties.contentType = .symbol("application/xml")
        let fields: [AMQP10Value] = [.string("id-1"), .null, .null, .string("DIALOG_INNBYGGER_EKONTAKT"), .null, .null,
                                     .symbol("application/xml")]
        #expect(properties.encoded() == AMQP10Encoder.encode(AMQP10Section.properties.wrapping(.list(fields))))
        properties.to = .string(String(repeating: "q", count: 300))
        let long = [fields[0], .null, properties.to] + fields[3...]
        #expect(properties.encoded() == AMQP10Encoder.encode(AMQP10Section.properties.wrapping(.list(long))))

        for strings in [[:], ["fromHerId": "8142987", "toHerId": "8142988"], ["a": String(repeating: "x", count: 300), "b": ""]] {
            let pairs = strings.sorted { $0.key < $1.key }.map { AMQP10Pair(.string($0.key), .string($0.value)) }
            #expect(AMQP10ApplicationProperties(strings).encoded()
                == AMQP10Encoder.encode(AMQP10Section.applicationProperties.wrapping(.map(pairs))))
        }
        let kept = AMQP10ApplicationProperties(["fromHerId": "1", "x-amqp-1.0-properties": "2"]) { !$0.hasPrefix("x-amqp-1.0-") }
        #expect(kept.entries.map(\.key) == ["fromHerId"])
    }

    @Test func unwrapsEveryBodyForm() throws {
        #expect(try AMQP10Body.unwrap(Fixture.AmqpValueString.body) == Fixture.document)
        #expect(try AMQP10Body.unwrap(Fixture.AmqpValueBinary.body) == Fixture.document)
        // The plugin unwraps one data section itself; several are joined in order.
        #expect(Fixture.DataSection.body == Fixture.document)
        let halves = [Array(Fixture.document.prefix(10)), Array(Fixture.document.dropFirst(10))]
        let sections = halves.flatMap { AMQP10Encoder.encode(AMQP10Section.data.wrapping(.binary($0))) }
        #expect(try AMQP10Body.unwrap(sections) == Fixture.document)
        // A footer after the body is passed over.
        let footer = AMQP10Encoder.encode(AMQP10Section.footer.wrapping(.map([])))
        #expect(try AMQP10Body.unwrap(sections + footer) == Fixture.document)
    }

    @Test func refusesBodiesThatAreNotADocument() {
        let sequence = AMQP10Encoder.encode(AMQP10Section.amqpSequence.wrapping(.list([.string("x")])))
        let number = AMQP10Encoder.encode(AMQP10Section.amqpValue.wrapping(.long(7)))
        let mixed = AMQP10Encoder.encode(AMQP10Section.data.wrapping(.binary([1]))) + Fixture.AmqpValueBinary.body
        for body in [sequence, number, mixed, [], [0x00, 0x53]] {
            #expect(throws: AMQP10Error.self) { try AMQP10Body.unwrap(body) }
        }
    }

    @Test func valuesRoundTrip() throws {
        let values: [AMQP10Value] = [
            .null, .bool(true), .bool(false), .ubyte(7), .ushort(700), .uint(0), .uint(9), .uint(70_000),
            .ulong(0), .ulong(0x73), .ulong(1 << 40), .byte(-3), .short(-300), .int(-5), .int(-70_000),
            .long(-1), .long(1 << 40), .float(1.5), .double(-2.25), .timestamp(1_764_756_000_123),
            .uuid(Array(0..<16)), .binary([0, 255]), .binary(Array(repeating: 1, count: 300)),
            .string("æøå"), .string(String(repeating: "y", count: 256)), .symbol("amqp:data:binary"),
            .list([]), .list([.null, .string("a")]), .map([AMQP10Pair(.symbol("k"), .int(1))]),
            .described(.symbol("amqp:properties:list"), .list([.string("id")])),
            .other(constructor: 0x73, bytes: [0, 0, 0, 0x41]),
        ]
        for value in values {
            #expect(try AMQP10Decoder.decodeOne(AMQP10Encoder.encode(value)) == value)
        }
        // An array is read with its shared constructor.
        #expect(try AMQP10Decoder.decodeOne([0xe0, 0x05, 0x03, 0x50, 1, 2, 3]) == .array([.ubyte(1), .ubyte(2), .ubyte(3)]))
    }

    @Test func symbolDescriptorsNameTheSameSections() throws {
        let section = AMQP10Encoder.encode(.described(.symbol("amqp:properties:list"), .list([.string("id-9")])))
        #expect(try AMQP10Properties(encoded: section).messageId == .string("id-9"))
    }

    @Test func timestampsReadAsISO8601() {
        #expect(AMQP10Value.timestamp(0).text == "1970-01-01T00:00:00.000Z")
        #expect(AMQP10Value.timestamp(1_764_756_000_123).text == "2025-12-03T10:00:00.123Z")
        #expect(AMQP10Value.timestamp(-1).text == "1969-12-31T23:59:59.999Z")
        #expect(AMQP10Value.timestamp(Int64.max).text == nil)
    }

    /// Lengths, counts and nesting come from outside: each lie is refused before anything is
    /// allocated for it.
    @Test func refusesHostileBytes() {
        let hostile: [[UInt8]] = [
            [],                                             // nothing
            [0xa1, 0x05, 0x61],                             // str8 longer than what is left
            [0xb0, 0xff, 0xff, 0xff, 0xff],                 // vbin32 of 4 GiB
            [0xd0, 0x00, 0x00, 0x00, 0x08, 0x7f, 0xff, 0xff, 0xff, 0x40, 0x40, 0x40, 0x40], // list32 claiming 2^31 items
            [0xf0, 0x00, 0x00, 0x00, 0x05, 0xff, 0xff, 0xff, 0xff, 0x40],                   // array of 2^32 nulls
            [0xc0, 0x00],                                   // list8 whose size leaves no room for its count
            [0xc0, 0x03, 0x02, 0x40],                       // count beyond size
            [0xc1, 0x02, 0x01, 0x40],                       // map with an odd number of items
            [0xa1, 0x02, 0xc3, 0x28],                       // invalid UTF-8
            [0x56, 0x02],                                   // boolean 2
            [0x99],                                         // no such constructor
            [0x00, 0x00, 0x00, 0x00],                       // descriptor of a descriptor of ...
            [0x40, 0x40],                                   // trailing bytes after one value
            Array(repeating: 0x00, count: 10_000),          // deep description
            Array(repeating: [UInt8]([0xc0, 0xff, 0x01]), count: 2_000).flatMap { $0 }, // deep lists
        ]
        for bytes in hostile {
            #expect(throws: AMQP10Error.self) { try AMQP10Decoder.decodeOne(bytes) }
        }
        #expect(throws: AMQP10Error.self) { try AMQP10Properties(encoded: [0x00, 0x53, 0x73, 0xa1, 0x00]) }
        #expect(throws: AMQP10Error.self) { try AMQP10ApplicationProperties(encoded: [0x00, 0x53, 0x73, 0x45]) }
    }

    /// Every truncation of real sections is an error, not a crash.
    @Test func everyTruncationIsRefused() {
        for fixture in [Fixture.DataSection.properties, Fixture.DataSection.applicationProperties,
                        Fixture.AmqpValueString.applicationProperties, Fixture.AmqpValueBinary.body] {
            for length in 0..<fixture.count {
                #expect(throws: AMQP10Error.self) { try AMQP10Decoder.decodeOne(Array(fixture.prefix(length))) }
            }
        }
    }
}

import Foundation
import Testing
@testable import Dialogs

@Suite("Reading access-restriction events", .timeLimit(.minutes(2)))
struct AccessRestrictionEventReaderTests {
    @Test("The bundled schema loads, and is served as the file is")
    func bundled() throws {
        let schema = try AccessRestrictionSchema.bundled()
        let source = EventSamples.packageRoot.appendingPathComponent("Sources/Dialogs/Schemas/\(AccessRestrictionSchema.fileName)")
        #expect(schema.document == Array(try Data(contentsOf: source)))
        #expect(String(decoding: schema.document, as: UTF8.self).contains(#""$id": "https://hubd.local/schemas/access-restriction-event.json""#))
    }

    @Test("The contract's valid shapes are read", arguments: EventSamples.validShapes.map(\.name))
    func validShapes(name: String) throws {
        let members = try #require(EventSamples.validShapes.first { $0.name == name }?.members)
        let event = try EventSamples.reader().read(EventSamples.bytes(members))
        #expect(event.nationalId == EventSamples.nationalId)
        #expect(event.canonicalJSON == EventSamples.bytes(members.merging(["eventId": .string(event.eventId)]) { $1 }))
    }

    @Test("Every member reaches the model")
    func fullEvent() throws {
        let event = try EventSamples.reader().read(EventSamples.bytes(EventSamples.full))
        #expect(event == AccessRestrictionEvent(
            eventId: "2e764a3a-1988-4f29-b7ff-b1234567890c", kind: .nekting, action: .changed, citizenSequence: 42,
            occurredAt: "2026-03-01T12:00:00.123+01:00", nationalId: EventSamples.nationalId, setBy: .helsepersonell,
            coveredHerIds: [8142987, 1, 999_999_999], documents: ["doc-1", "journalnotat 2026-02-01"],
            code: .nornForans, validFrom: "2026-03-01T00:00:00Z", validTo: "2027-03-01T00:00:00Z",
            definition: .init(guid: "0b7c4d8e-pvk", name: "Nekting av innsyn")))
        #expect(!event.description.contains(EventSamples.nationalId))
    }

    @Test("The same content in another member order, spacing, escaping or eventId case has the same canonical JSON")
    func canonicalEquality() throws {
        let reader = try EventSamples.reader()
        let compact = try reader.read(EventSamples.bytes(EventSamples.minimal))
        let spaced = """
            {
              "covers" : { "herIds" : [ 8142987 ] },
              "setBy" : "innbygger", "nationalId" : "\\u0031\(EventSamples.nationalId.dropFirst())",
              "occurredAt" : "2026-03-01T12:00:00Z", "citizenSequence" : 1.0,
              "action" : "set", "kind" : "sp\\u0065rring",
              "eventId" : "\(EventSamples.eventId.uppercased())"
            }
            """
        let other = try reader.read(Array(spaced.utf8))
        #expect(other == compact)
        #expect(other.canonicalJSON == compact.canonicalJSON)
        #expect(String(decoding: compact.canonicalJSON, as: UTF8.self) == """
            {"action":"set","citizenSequence":1,"covers":{"herIds":[8142987]},"eventId":"\(EventSamples.eventId)",\
            "kind":"sperring","nationalId":"\(EventSamples.nationalId)","occurredAt":"2026-03-01T12:00:00Z","setBy":"innbygger"}
            """)

        let changed = try reader.read(EventSamples.bytes(EventSamples.setting(["action"], to: .string("lifted"), in: EventSamples.minimal)))
        #expect(changed.canonicalJSON != compact.canonicalJSON)
        // An empty list of documents is not the same content as none.
        let withEmptyDocuments = try reader.read(EventSamples.bytes(EventSamples.setting(["covers", "documents"], to: .array([]), in: EventSamples.minimal)))
        #expect(withEmptyDocuments != compact)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var body: [UInt8]
        var rule: EventRefusal.Rule
        var pointer: String

        init(_ name: String, _ body: [UInt8], _ rule: EventRefusal.Rule, at pointer: String) {
            testDescription = name
            self.body = body
            self.rule = rule
            self.pointer = pointer
        }

        init(_ name: String, setting path: [String], to value: JSONValue?, in members: [String: JSONValue] = EventSamples.minimal,
             _ rule: EventRefusal.Rule = .schema, at pointer: String) {
            self.init(name, EventSamples.bytes(EventSamples.setting(path, to: value, in: members)), rule, at: pointer)
        }
    }

    static let refusals: [Case] = [
        Case("over 64 KiB", Array(repeating: UInt8(ascii: " "), count: 64 << 10) + EventSamples.bytes(EventSamples.minimal), .size, at: ""),
        Case("not JSON", Array("{\"kind\": ".utf8), .json, at: ""),
        Case("UTF-16", Array("{}".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }), .json, at: ""),
        Case("a member twice", Array(#"{"kind":"nekting","kind":"sperring"}"#.utf8), .json, at: ""),
        Case("not an object", Array("[]".utf8), .schema, at: ""),
        Case("eventId missing", setting: ["eventId"], to: nil, at: "/eventId"),
        Case("eventId not a UUID", setting: ["eventId"], to: .string("7d0db875e5314fdd91c60123456789ab"), at: "/eventId"),
        Case("unknown kind", setting: ["kind"], to: .string("Sperring"), at: "/kind"),
        Case("unknown action", setting: ["action"], to: .string("removed"), at: "/action"),
        Case("citizenSequence 0", setting: ["citizenSequence"], to: .integer(0), at: "/citizenSequence"),
        Case("citizenSequence a string", setting: ["citizenSequence"], to: .string("1"), at: "/citizenSequence"),
        Case("citizenSequence fractional", setting: ["citizenSequence"], to: .number(1.5), at: "/citizenSequence"),
        Case("occurredAt without offset", setting: ["occurredAt"], to: .string("2026-03-01T12:00:00"), at: "/occurredAt"),
        Case("occurredAt 30 February", setting: ["occurredAt"], to: .string("2026-02-30T12:00:00Z"), at: "/occurredAt"),
        Case("nationalId 10 digits", setting: ["nationalId"], to: .string("1982660605"), at: "/nationalId"),
        Case("nationalId a number", setting: ["nationalId"], to: .integer(19826606056), at: "/nationalId"),
        Case("nationalId check digits", setting: ["nationalId"], to: .string("19826606057"), .checkDigits, at: "/nationalId"),
        Case("nationalId second check digit", setting: ["nationalId"], to: .string("19826606065"), .checkDigits, at: "/nationalId"),
        Case("unknown setBy", setting: ["setBy"], to: .string("fastlege"), at: "/setBy"),
        Case("covers missing", setting: ["covers"], to: nil, at: "/covers"),
        Case("no HER-ids", setting: ["covers", "herIds"], to: .array([]), at: "/covers/herIds"),
        Case("HER-ids missing", setting: ["covers", "herIds"], to: nil, at: "/covers/herIds"),
        Case("HER-id 0", setting: ["covers", "herIds"], to: .array([.integer(0)]), at: "/covers/herIds/0"),
        Case("HER-id of 10 digits", setting: ["covers", "herIds"], to: .array([.integer(1), .integer(1_000_000_000)]), at: "/covers/herIds/1"),
        Case("unknown member in covers", setting: ["covers", "patients"], to: .array([]), at: "/covers/patients"),
        Case("an empty document", setting: ["covers", "documents"], to: .array([.string("")]), at: "/covers/documents/0"),
        Case("nekting without code", setting: ["kind"], to: .string("nekting"), at: "/code"),
        Case("sperring with code", setting: ["code"], to: .string("N"), at: "/code"),
        Case("unknown code", setting: ["code"], to: .string("X"), in: EventSamples.full, at: "/code"),
        Case("validTo before validFrom", setting: ["validTo"], to: .string("2026-02-28T23:59:59Z"), in: EventSamples.full, .validity, at: "/validTo"),
        Case("validTo equal to validFrom at another offset", setting: ["validTo"], to: .string("2026-03-01T01:00:00+01:00"),
             in: EventSamples.full, .validity, at: "/validTo"),
        Case("definition without name", setting: ["definition", "name"], to: nil, in: EventSamples.full, at: "/definition/name"),
        Case("unknown member in definition", setting: ["definition", "version"], to: .integer(2), in: EventSamples.full, at: "/definition/version"),
        Case("unknown member", setting: ["comment"], to: .string("x"), at: "/comment"),
        Case("a typo", setting: ["validfrom"], to: .string("2026-03-01T00:00:00Z"), at: "/validfrom"),
    ]

    @Test("Each rule is refused with its pointer", arguments: refusals)
    func refused(_ refusal: Case) throws {
        let refused = try #require(try EventSamples.refusal(refusal.body))
        #expect(refused.rule == refusal.rule, "\(refused)")
        #expect(refused.pointer == refusal.pointer, "\(refused)")
        #expect(!refused.reason.isEmpty)
    }

    @Test("Descriptions name the place and the rule, never a value")
    func descriptions() throws {
        #expect(try EventSamples.refusal(EventSamples.bytes(EventSamples.setting(["covers", "herIds"], to: .array([.integer(0)]), in: EventSamples.minimal)))?
            .description == "/covers/herIds/0: must be at least 1 (#/properties/covers/properties/herIds/items/minimum)")
        #expect(try EventSamples.refusal(EventSamples.bytes(EventSamples.setting(["code"], to: .string("N"), in: EventSamples.minimal)))?
            .description == "/code: is not allowed (#/else/properties/code)")
        #expect(try EventSamples.refusal(EventSamples.bytes(EventSamples.setting(["occurredAt"], to: .string("x"), in: EventSamples.minimal)))?
            .description == "/occurredAt: does not match the pattern (#/$defs/dateTime/pattern)")
        #expect(try EventSamples.refusal(EventSamples.bytes(EventSamples.setting(["kind"], to: .string("x"), in: EventSamples.minimal)))?
            .description == #"/kind: must be one of "sperring", "skjerming", "nekting", "utsatt-innsyn", "reservasjon", "samtykke" (#/properties/kind/enum)"#)
        #expect(try EventSamples.refusal(Array("{\"a\" 1}".utf8))?.description == "the body: is not a UTF-8 JSON text: at byte 5: expected ':' after a member name")
    }

    @Test("No refusal contains the national identity number, wherever it is")
    func nationalIdNeverInDescription() throws {
        let id = EventSamples.nationalId
        let bodies: [[UInt8]] = [
            EventSamples.bytes(EventSamples.setting(["nationalId"], to: .string("19826606057"), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["nationalId"], to: .integer(19826606056), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["nationalId"], to: .string(id + " "), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting([id], to: .string(id), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["covers", "x\(id)"], to: .integer(1), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["eventId"], to: .string(id), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["covers", "herIds"], to: .array([.integer(19826606056)]), in: EventSamples.minimal)),
            EventSamples.bytes(EventSamples.setting(["definition"], to: .object(["guid": .string(id), "name": .integer(1)]), in: EventSamples.minimal)),
            Array("{\"nationalId\": \(id)x}".utf8),
        ]
        for body in bodies {
            let refusal = try #require(try EventSamples.refusal(body))
            #expect(!refusal.description.contains(id), "\(refusal)")
            #expect(!NationalIdMask.containsNationalId(refusal.description), "\(refusal)")
        }
    }

    @Test("Control characters in an unknown member's name are escaped in the pointer")
    func escapedPointer() throws {
        let refusal = try #require(try EventSamples.refusal(EventSamples.bytes(EventSamples.setting(["a\nb/c"], to: .integer(1), in: EventSamples.minimal))))
        #expect(refusal.pointer == "/a\\nb~1c")
    }
}

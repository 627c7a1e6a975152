import Testing
@testable import Dialogs

@Suite("PVK replication", .timeLimit(.minutes(2)))
struct PVKReplicationTests {
    /// A replication body as PVK sends it, metadata included.
    static let body: [String: JSONValue] = [
        "innbyggerFnr": .string(EventSamples.nationalId),
        "definisjonGuid": .string("4b1a3f7e-8c2d-4e5f-9a6b-7c8d9e0f1a2b"),
        "definisjonNavn": .string("Reservasjon mot kjernejournal"),
        "partKode": .string("KJ"),
        "typePi": .string("reservasjon"),
        "aktiv": .bool(true),
        "tidspunkt": .string("2026-03-01T12:00:00.1234567+01:00"),
        "endretAv": .string("innbygger"),
        "kilde": .object(["system": .string("Helsenorge"), "versjon": .integer(3)]),
        "kommentar": .null,
    ]

    private func read(_ members: [String: JSONValue]) throws(EventRefusal) -> PVKReplication {
        try PVKReplication.read(EventSamples.bytes(members))
    }

    @Test("PVK's fields are read and its metadata ignored")
    func reading() throws {
        #expect(try read(Self.body) == PVKReplication(
            nationalId: EventSamples.nationalId, definitionGuid: "4b1a3f7e-8c2d-4e5f-9a6b-7c8d9e0f1a2b",
            definitionName: "Reservasjon mot kjernejournal", partyCode: "KJ", setting: .reservasjon, isActive: true,
            occurredAt: "2026-03-01T12:00:00.1234567+01:00"))
    }

    @Test("Settings and activity map to kinds and actions", arguments: [
        ("samtykke", true, AccessRestrictionEvent.Kind.samtykke, AccessRestrictionEvent.Action.set),
        ("samtykke", false, .samtykke, .lifted),
        ("reservasjon", true, .reservasjon, .set),
        ("reservasjon", false, .reservasjon, .lifted),
        ("tilgangsbegrensning", true, .sperring, .set),
        ("tilgangsbegrensning", false, .sperring, .lifted),
    ])
    func mapping(typePi: String, active: Bool, kind: AccessRestrictionEvent.Kind, action: AccessRestrictionEvent.Action) throws {
        var members = Self.body
        members["typePi"] = .string(typePi)
        members["aktiv"] = .bool(active)
        let event = try read(members).event(citizenSequence: 7, covers: [8142987, 8143060])
        #expect(event.kind == kind)
        #expect(event.action == action)
        #expect(event.setBy == .innbygger)
        #expect(event.citizenSequence == 7)
        #expect(event.coveredHerIds == [8142987, 8143060])
        #expect(event.documents == nil)
        #expect(event.code == nil)
        #expect(event.occurredAt == "2026-03-01T12:00:00.1234567+01:00")
        #expect(event.nationalId == EventSamples.nationalId)
        #expect(event.definition == .init(guid: "4b1a3f7e-8c2d-4e5f-9a6b-7c8d9e0f1a2b", name: "Reservasjon mot kjernejournal"))

        // The event passes the schema and the reader's own checks, and reads back as itself.
        #expect(try EventSamples.reader().read(event.canonicalJSON) == event)
    }

    @Test("The eventId is a UUID derived from the replication: the same call gives the same id, another call another")
    func derivedEventId() throws {
        let first = try read(Self.body).event(citizenSequence: 1, covers: [1])
        let again = try read(Self.body.merging(["kommentar": .string("retry")]) { $1 }).event(citizenSequence: 2, covers: [2])
        #expect(first.eventId == again.eventId)
        #expect(first.eventId.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
        var ids: Set<String> = [first.eventId]
        for (name, value) in [("innbyggerFnr", JSONValue.string("01010000110")), ("definisjonGuid", .string("other")),
                              ("typePi", .string("samtykke")), ("aktiv", .bool(false)), ("tidspunkt", .string("2026-03-01T12:00:01+01:00"))] {
            ids.insert(try read(Self.body.merging([name: value]) { $1 }).event(citizenSequence: 1, covers: [1]).eventId)
        }
        #expect(ids.count == 6)
        // Pinned, so that a change of derivation (which would make PVK's retries new events) is seen.
        #expect(first.eventId == Self.pinnedEventId)
    }

    /// The `derivedEventId` of `body`, computed with Python's hashlib from the derivation
    /// `PVKReplication` documents.
    static let pinnedEventId = "b9c8cb90-aa6f-884d-9b3f-062876433505"

    @Test("Bodies PVK must not send are refused with a pointer", arguments: [
        ("innbyggerFnr", nil, "/innbyggerFnr"), ("innbyggerFnr", JSONValue.string("19826606057"), "/innbyggerFnr"),
        ("innbyggerFnr", .integer(19826606056), "/innbyggerFnr"), ("definisjonGuid", .string(""), "/definisjonGuid"),
        ("definisjonNavn", nil, "/definisjonNavn"), ("partKode", .integer(1), "/partKode"),
        ("typePi", .string("tilgangsbegrensing"), "/typePi"), ("aktiv", .string("true"), "/aktiv"), ("aktiv", .null, "/aktiv"),
        ("tidspunkt", .string("2026-03-01T12:00:00"), "/tidspunkt"), ("tidspunkt", .string("2026-02-30T12:00:00Z"), "/tidspunkt"),
    ])
    func refused(name: String, value: JSONValue?, pointer: String) {
        var members = Self.body
        members[name] = value
        do {
            _ = try read(members)
            Issue.record("read")
        } catch {
            #expect(error.pointer == pointer)
            #expect(!error.description.contains(EventSamples.nationalId), "\(error)")
        }
    }

    @Test("Not JSON, not an object, too large")
    func malformed() {
        #expect(throws: EventRefusal.self) { try PVKReplication.read(Array("{".utf8)) }
        #expect(throws: EventRefusal(.schema, reason: "must be an object")) { try PVKReplication.read(Array("[]".utf8)) }
        #expect(throws: EventRefusal.self) { try PVKReplication.read(EventSamples.bytes(Self.body), maxBytes: 100) }
    }

    @Test("The description leaves the national identity number out")
    func description() throws {
        #expect(try read(Self.body).description == "PVK reservasjon active at 2026-03-01T12:00:00.1234567+01:00")
    }
}

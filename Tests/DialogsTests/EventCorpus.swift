@testable import Dialogs

/// Documents for comparing hubd's schema validator with Python's `jsonschema`: the valid
/// event shapes and systematic mutations of them (each member removed, each member of every
/// other type, unknown members at each level, wrong enum values, boundary numbers in their
/// spellings, `code` with and without `nekting`, bad date-times, identity numbers and ids).
/// About half the mutations are still valid, which is the point: the verdicts must agree
/// both ways.
enum EventCorpus {
    struct Entry: Sendable {
        /// What the document is, for messages.
        let name: String
        let bytes: [UInt8]
    }

    static func entries() -> [Entry] {
        var entries: [Entry] = []
        func add(_ name: String, _ members: [String: JSONValue]) {
            entries.append(Entry(name: name, bytes: EventSamples.bytes(members)))
        }
        func add(_ name: String, raw: String, at path: [String], in members: [String: JSONValue]) {
            entries.append(Entry(name: name, bytes: EventSamples.bytes(members, raw: raw, at: path)))
        }
        let full = EventSamples.full
        let minimal = EventSamples.minimal

        for shape in EventSamples.validShapes { add("valid: \(shape.name)", shape.members) }

        // Each member removed, and each member of every other type.
        let paths = full.keys.sorted().map { [$0] } + [["covers", "herIds"], ["covers", "documents"], ["definition", "guid"], ["definition", "name"]]
        let others: [JSONValue] = [
            .null, .bool(false), .integer(7), .number(1.5), .string("x"), .array([]), .object([:]),
            .array([.string("x")]), .array([.integer(1)]), .object(["guid": .string("g"), "name": .string("n")]),
        ]
        for path in paths {
            let name = path.joined(separator: "/")
            add("without \(name)", EventSamples.setting(path, to: nil, in: full))
            for other in others { add("\(name) = \(other.canonicalText)", EventSamples.setting(path, to: other, in: full)) }
        }
        for item in others + [.integer(0), .string("")] {
            add("herIds [\(item.canonicalText)]", EventSamples.setting(["covers", "herIds"], to: .array([.integer(1), item]), in: full))
            add("documents [\(item.canonicalText)]", EventSamples.setting(["covers", "documents"], to: .array([item]), in: full))
        }
        add("100 HER-ids", EventSamples.setting(["covers", "herIds"], to: .array((1...100).map(JSONValue.integer)), in: minimal))
        add("a HER-id twice", EventSamples.setting(["covers", "herIds"], to: .array([.integer(5), .integer(5)]), in: minimal))
        for raw in ["null", "[]", "\"x\"", "1", "true", "{}"] { entries.append(Entry(name: "document \(raw)", bytes: Array(raw.utf8))) }

        // Unknown members at each level.
        for name in ["extra", "", "EventId", "$schema", "eventid", "19826606056"] {
            add("unknown \(name)", EventSamples.setting([name], to: .integer(1), in: full))
            add("unknown covers/\(name)", EventSamples.setting(["covers", name], to: .integer(1), in: full))
            add("unknown definition/\(name)", EventSamples.setting(["definition", name], to: .string("x"), in: full))
        }

        // Enumerations, right and wrong.
        let enums: [(String, [String], [String: JSONValue])] = [
            ("kind", AccessRestrictionEvent.Kind.allCases.map(\.rawValue) + ["Sperring", "utsatt_innsyn", " sperring", ""], minimal),
            ("action", AccessRestrictionEvent.Action.allCases.map(\.rawValue) + ["SET", "removed", ""], minimal),
            ("setBy", AccessRestrictionEvent.SetBy.allCases.map(\.rawValue) + ["lege", "Innbygger"], minimal),
            ("code", AccessRestrictionEvent.Code.allCases.map(\.rawValue) + ["n", "NORN", "N "], full),
        ]
        for (member, values, base) in enums {
            for value in values { add("\(member) \(value)", EventSamples.setting([member], to: .string(value), in: base)) }
        }

        // code is required for nekting and allowed for nothing else.
        for kind in AccessRestrictionEvent.Kind.allCases {
            let members = EventSamples.setting(["kind"], to: .string(kind.rawValue), in: minimal)
            add("\(kind.rawValue) without code", members)
            add("\(kind.rawValue) with code", EventSamples.setting(["code"], to: .string("NORN_UNGDOM"), in: members))
            add("\(kind.rawValue) with code null", EventSamples.setting(["code"], to: .null, in: members))
        }
        add("kind missing, code given", EventSamples.setting(["kind"], to: nil, in: full))

        // Numbers at their bounds, in several spellings.
        for raw in ["0", "1", "-1", "-0", "1.0", "1.5", "1e0", "1E2", "10e-1", "0.5e1", "9007199254740991", "9007199254740992",
                    "9007199254740991.0", "99999999999999999999", "1e300", "2.000000000000001"] {
            add("citizenSequence \(raw)", raw: raw, at: ["citizenSequence"], in: minimal)
        }
        for raw in ["0", "1", "-1", "999999999", "1000000000", "999999999.0", "1e9", "9.99999999e8", "0.99999999999", "8142987"] {
            add("herIds [\(raw)]", raw: "[\(raw)]", at: ["covers", "herIds"], in: minimal)
        }

        // Date-times, for each of the three members.
        let dateTimes = [
            "2026-03-01T12:00:00Z", "2024-02-29T23:59:59.999999999999Z", "2026-03-01t12:00:00z", "2026-03-01T12:00:00+14:00",
            "2026-03-01T12:00:00-00:00", "0001-01-01T00:00:00Z", "2000-02-29T00:00:00Z", "9999-12-31T23:59:59-23:59",
            "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-06-31T00:00:00Z", "0000-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-32T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:60:00Z",
            "2026-12-31T23:59:60Z", "2026-01-01T12:00:00", "2026-01-01 12:00:00Z", "2026-01-01T12:00:00+0100",
            "2026-01-01T12:00:00+24:00", "2026-01-01T12:00:00+01:60", "2026-01-01T12:00:00.Z", "2026-1-01T12:00:00Z",
            "2026-01-01T12:00:00Z\n", "2026-01-01T12:00:00Z\r", "2026-01-01T12:00:00Z\u{2028}", "2026-01-01T12:00:00Z\r\n",
            " 2026-01-01T12:00:00Z", "2026-01-01", "12:00:00Z", "", "\u{662}\u{660}\u{662}\u{666}-01-01T12:00:00Z",
            "2026-01-01T12:00:00,5Z", "+2026-01-01T12:00:00Z", "20260101T120000Z", "2026-01-01T12:00Z",
        ]
        for member in ["occurredAt", "validFrom", "validTo"] {
            for text in dateTimes { add("\(member) \(text.debugDescription)", EventSamples.setting([member], to: .string(text), in: full)) }
        }

        // Identity numbers and event ids.
        for text in ["19826606056", "19826606057", "00000000000", "1982660605", "198266060561", "1982660605a", " 19826606056",
                     "19826606056\n", "19826606056\r", "\u{661}\u{669}\u{668}\u{662}\u{666}\u{666}\u{660}\u{666}\u{660}\u{665}\u{666}",
                     "1982660605\u{FF16}", ""] {
            add("nationalId \(text.debugDescription)", EventSamples.setting(["nationalId"], to: .string(text), in: minimal))
        }
        for text in ["7d0db875-e531-4fdd-91c6-0123456789ab", "7D0DB875-E531-4FDD-91C6-0123456789AB", "00000000-0000-0000-0000-000000000000",
                     "7d0db875e5314fdd91c60123456789ab", "{7d0db875-e531-4fdd-91c6-0123456789ab}", "7d0db875-e531-4fdd-91c6-0123456789a",
                     "7d0db875-e531-4fdd-91c6-0123456789abc", "7d0db875-e531-4fdd-91c6-0123456789ab\n", "7d0db875-e531-4fdd-91c6-0123456789ag",
                     "urn:uuid:7d0db875-e531-4fdd-91c6-0123456789ab", ""] {
            add("eventId \(text.debugDescription)", EventSamples.setting(["eventId"], to: .string(text), in: minimal))
        }

        // Lengths in code points.
        for text in ["", " ", "\u{1F600}", "\u{1F1F3}\u{1F1F4}", "a"] {
            add("definition guid \(text.debugDescription)", EventSamples.setting(["definition", "guid"], to: .string(text), in: full))
            add("document \(text.debugDescription)", EventSamples.setting(["covers", "documents"], to: .array([.string("d"), .string(text)]), in: full))
        }
        return entries
    }
}

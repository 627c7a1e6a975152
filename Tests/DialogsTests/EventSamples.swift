import Foundation
import Testing
@testable import Dialogs

/// Access-restriction events for the tests, as JSON members to vary, and the bundled schema.
enum EventSamples {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // DialogsTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // package root

    /// A national identity number with valid check digits (the examples' synthetic patient).
    static let nationalId = Fixtures.patientId
    static let eventId = "7d0db875-e531-4fdd-91c6-0123456789ab"

    /// The smallest valid event.
    static let minimal: [String: JSONValue] = [
        "eventId": .string(eventId),
        "kind": .string("sperring"),
        "action": .string("set"),
        "citizenSequence": .integer(1),
        "occurredAt": .string("2026-03-01T12:00:00Z"),
        "nationalId": .string(nationalId),
        "setBy": .string("innbygger"),
        "covers": .object(["herIds": .array([.integer(8142987)])]),
    ]

    /// A valid event with every member: a `nekting` with its code.
    static let full: [String: JSONValue] = [
        "eventId": .string("2E764A3A-1988-4F29-B7FF-B1234567890C"),
        "kind": .string("nekting"),
        "action": .string("changed"),
        "citizenSequence": .integer(42),
        "occurredAt": .string("2026-03-01T12:00:00.123+01:00"),
        "nationalId": .string(nationalId),
        "setBy": .string("helsepersonell"),
        "covers": .object([
            "herIds": .array([.integer(8142987), .integer(1), .integer(999_999_999)]),
            "documents": .array([.string("doc-1"), .string("journalnotat 2026-02-01")]),
        ]),
        "code": .string("NORN_FORANS"),
        "validFrom": .string("2026-03-01T00:00:00Z"),
        "validTo": .string("2027-03-01T00:00:00Z"),
        "definition": .object(["guid": .string("0b7c4d8e-pvk"), "name": .string("Nekting av innsyn")]),
    ]

    /// Valid events of every kind, action and code, with the optional members in turn.
    static let validShapes: [(name: String, members: [String: JSONValue])] = {
        var shapes: [(String, [String: JSONValue])] = [("minimal", minimal), ("full", full)]
        for kind in AccessRestrictionEvent.Kind.allCases {
            var members = minimal
            members["kind"] = .string(kind.rawValue)
            if kind == .nekting { members["code"] = .string("N") }
            shapes.append(("kind \(kind.rawValue)", members))
        }
        for action in AccessRestrictionEvent.Action.allCases {
            shapes.append(("action \(action.rawValue)", setting(["action"], to: .string(action.rawValue), in: minimal)))
        }
        for code in AccessRestrictionEvent.Code.allCases {
            shapes.append(("code \(code.rawValue)", setting(["code"], to: .string(code.rawValue), in: full)))
        }
        shapes.append(("helsepersonell", setting(["setBy"], to: .string("helsepersonell"), in: minimal)))
        shapes.append(("no documents listed", setting(["covers", "documents"], to: .array([]), in: minimal)))
        shapes.append(("validFrom only", setting(["validFrom"], to: .string("2026-01-01T00:00:00-02:30"), in: minimal)))
        shapes.append(("validTo only", setting(["validTo"], to: .string("2026-01-01T00:00:00Z"), in: minimal)))
        shapes.append(("lower-case t and z", setting(["occurredAt"], to: .string("2024-02-29t23:59:59.5z"), in: minimal)))
        shapes.append(("PVK definition", setting(["definition"], to: .object(["guid": .string("g"), "name": .string("Reservasjon")]), in: minimal)))
        return shapes
    }()

    /// `members` with the member at `path` set to `value`, or removed when `value` is nil.
    static func setting(_ path: [String], to value: JSONValue?, in members: [String: JSONValue]) -> [String: JSONValue] {
        guard let name = path.first else { return members }
        var members = members
        if path.count == 1 {
            members[name] = value
        } else {
            members[name] = .object(setting(Array(path.dropFirst()), to: value, in: members[name]?.object ?? [:]))
        }
        return members
    }

    /// The event's bytes, compact, members sorted.
    static func bytes(_ members: [String: JSONValue]) -> [UInt8] {
        JSONValue.object(members).canonicalBytes
    }

    /// The event's bytes with the member at `path` written as the raw JSON text `raw`, for
    /// numbers whose spelling matters (`1.0`, `1e3`).
    static func bytes(_ members: [String: JSONValue], raw: String, at path: [String]) -> [UInt8] {
        let placeholder = "raw-json-placeholder"
        let text = String(decoding: bytes(setting(path, to: .string(placeholder), in: members)), as: UTF8.self)
        return Array(text.replacingOccurrences(of: "\"\(placeholder)\"", with: raw).utf8)
    }

    static func schema() throws -> AccessRestrictionSchema {
        try AccessRestrictionSchema.bundled()
    }

    static func reader() throws -> AccessRestrictionEventReader {
        AccessRestrictionEventReader(schema: try schema())
    }

    /// What reading `body` refused, nil when it was read.
    static func refusal(_ body: [UInt8]) throws -> EventRefusal? {
        do {
            _ = try reader().read(body)
            return nil
        } catch let refusal as EventRefusal {
            return refusal
        }
    }
}

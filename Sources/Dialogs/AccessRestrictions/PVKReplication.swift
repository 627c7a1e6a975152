internal import Crypto

/// One replication call from Helsenorge's privacy component (PVK),
/// `POST /pvk/LagreInnbyggersPersonvernInnstilling` (events contract §2), and the event it
/// becomes.
///
/// The body is PVK's, not hubd's: besides the fields read here PVK sends metadata of its own,
/// and adds to it without notice. So unlike an event, members not listed here are ignored
/// rather than refused; the ones listed must be present with the right type (null counts as
/// absent). `tidspunkt` must be an RFC 3339 date-time with an offset, and `innbyggerFnr` must
/// have valid check digits, so that every replication makes an event the schema accepts.
///
/// ```swift
/// let replication = try PVKReplication.read(body)                // throws EventRefusal
/// let event = replication.event(citizenSequence: next, covers: pvkCovers)
/// ```
package struct PVKReplication: Sendable, Equatable, CustomStringConvertible {
    /// What the setting is, in PVK's words.
    package enum Setting: String, Sendable, CaseIterable {
        case samtykke, reservasjon, tilgangsbegrensning
    }

    /// `innbyggerFnr`: the citizen. Never log it, never put it in an error.
    package let nationalId: String
    /// `definisjonGuid`: the privacy definition.
    package let definitionGuid: String
    /// `definisjonNavn`.
    package let definitionName: String
    /// `partKode`: the party PVK keeps the setting for. Not in the event, whose `covers` are
    /// `HUBD_PVK_COVERS`; kept for logging.
    package let partyCode: String
    /// `typePi`.
    package let setting: Setting
    /// `aktiv`: whether the setting is in force from `occurredAt`.
    package let isActive: Bool
    /// `tidspunkt`, as given.
    package let occurredAt: String

    package init(
        nationalId: String, definitionGuid: String, definitionName: String, partyCode: String,
        setting: Setting, isActive: Bool, occurredAt: String
    ) {
        self.nationalId = nationalId
        self.definitionGuid = definitionGuid
        self.definitionName = definitionName
        self.partyCode = partyCode
        self.setting = setting
        self.isActive = isActive
        self.occurredAt = occurredAt
    }

    /// Reads PVK's body.
    ///
    /// - Throws: `.size` over `maxBytes`, `.json`, `.schema` for a listed member that is
    ///   missing or of the wrong type or form, `.checkDigits` for `innbyggerFnr`.
    package static func read(
        _ body: [UInt8], maxBytes: Int = AccessRestrictionEventReader.defaultMaxBytes
    ) throws(EventRefusal) -> PVKReplication {
        let value = try EventRefusal.json(body, maxBytes: maxBytes)
        guard let fields = JSONObjectReader(value) else { throw EventRefusal(.schema, reason: "must be an object") }
        let nonEmpty = { (value: JSONValue) in value.string.flatMap { $0.isEmpty ? nil : $0 } }
        let replication = PVKReplication(
            nationalId: try fields.required("innbyggerFnr", "a string") { $0.string },
            definitionGuid: try fields.required("definisjonGuid", "a non-empty string", nonEmpty),
            definitionName: try fields.required("definisjonNavn", "a non-empty string", nonEmpty),
            partyCode: try fields.required("partKode", "a string") { $0.string },
            setting: try fields.required("typePi", "samtykke, reservasjon or tilgangsbegrensning") {
                $0.string.flatMap(Setting.init(rawValue:))
            },
            isActive: try fields.required("aktiv", "a boolean") { $0.bool },
            occurredAt: try fields.required("tidspunkt", "an RFC 3339 date-time with an offset") {
                $0.string.flatMap { RFC3339DateTime($0) == nil ? nil : $0 }
            })
        guard NationalIdNumber.hasValidCheckDigits(replication.nationalId) else {
            throw EventRefusal(.checkDigits, pointer: "/innbyggerFnr", reason: "is not 11 digits with valid mod-11 check digits")
        }
        return replication
    }

    /// The event this replication becomes: `samtykke` and `reservasjon` as they are,
    /// `tilgangsbegrensning` as `sperring`; active → `set`, inactive → `lifted`; set by the
    /// citizen; the definition carried along.
    ///
    /// Its `eventId` is derived from the replication (`derivedEventId`), so PVK retrying a
    /// call makes the same event, which hubd then takes as a repeat.
    ///
    /// - Parameters:
    ///   - citizenSequence: the citizen's next sequence number, 1 or more.
    ///   - covers: `HUBD_PVK_COVERS`, one or more HER-ids.
    package func event(citizenSequence: Int, covers: [Int]) -> AccessRestrictionEvent {
        let kind: AccessRestrictionEvent.Kind = switch setting {
        case .samtykke: .samtykke
        case .reservasjon: .reservasjon
        case .tilgangsbegrensning: .sperring
        }
        return AccessRestrictionEvent(
            eventId: derivedEventId, kind: kind, action: isActive ? .set : .lifted, citizenSequence: citizenSequence,
            occurredAt: occurredAt, nationalId: nationalId, setBy: .innbygger, coveredHerIds: covers,
            definition: AccessRestrictionEvent.Definition(guid: definitionGuid, name: definitionName))
    }

    /// A name-based UUID (RFC 9562 version 8, from SHA-256, as in its appendix B.2) of the
    /// fields that make one replication: national id, definition, setting, active, time.
    /// Each field is preceded by its length in UTF-8 bytes, so no two lists of fields run
    /// together into the same input.
    package var derivedEventId: String {
        var input = Array("hubd PVK replication v1".utf8)
        for field in [nationalId, definitionGuid, setting.rawValue, isActive ? "true" : "false", occurredAt] {
            input += "\n\(field.utf8.count):".utf8
            input += field.utf8
        }
        var bytes = Array(SHA256.hash(data: input).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x80   // version 8
        bytes[8] = bytes[8] & 0x3F | 0x80   // variant 10
        let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            hex.dropFirst(range.lowerBound).prefix(range.count)
        }
        return groups.joined(separator: "-")
    }

    /// `PVK reservasjon active at 2026-…`: no national identity number.
    package var description: String { "PVK \(setting.rawValue) \(isActive ? "active" : "inactive") at \(LogSafe.text(occurredAt, limit: 40))" }
}

/// An access restriction or privacy setting of one citizen (events contract §1), as hubd
/// stores and delivers it.
///
/// Events from outside come from `AccessRestrictionEventReader`, which checks them against
/// the schema; PVK's replications from `PVKReplication.event(citizenSequence:covers:)`.
/// `canonicalJSON` is the event as hubd stores and delivers it, and two events are equal
/// exactly when their canonical JSON is: two submissions of one `eventId` that differ only
/// in member order, white space, escaping or the case of `eventId` have identical content.
///
/// `description` leaves the national identity number out, so an event can be logged.
///
/// ```swift
/// let event = try reader.read(body)
/// if let stored, stored.canonicalJSON != event.canonicalJSON { conflict() }
/// ```
package struct AccessRestrictionEvent: Sendable, Equatable, CustomStringConvertible {
    /// What is restricted or set.
    package enum Kind: String, Sendable, CaseIterable {
        case sperring, skjerming, nekting
        case utsattInnsyn = "utsatt-innsyn"
        case reservasjon, samtykke
    }

    package enum Action: String, Sendable, CaseIterable {
        case set, changed, lifted
    }

    /// Who set the restriction.
    package enum SetBy: String, Sendable, CaseIterable {
        case innbygger, helsepersonell
    }

    /// Code list 9603, for `nekting`.
    package enum Code: String, Sendable, CaseIterable {
        case n = "N"
        case nornForans = "NORN_FORANS"
        case nornUngdom = "NORN_UNGDOM"
    }

    /// A privacy definition in Helsenorge's privacy component (PVK).
    package struct Definition: Sendable, Equatable {
        package let guid: String
        package let name: String

        package init(guid: String, name: String) {
            self.guid = guid
            self.name = name
        }
    }

    /// The event's identity, a UUID in lower case.
    package let eventId: String
    package let kind: Kind
    package let action: Action
    /// Per citizen, strictly increasing across that citizen's events.
    package let citizenSequence: Int
    /// RFC 3339 date-time, as given.
    package let occurredAt: String
    /// The citizen's national identity number. Never log it, never put it in an error.
    package let nationalId: String
    package let setBy: SetBy
    /// `covers.herIds`: the HER-ids the restriction applies at, never empty.
    package let coveredHerIds: [Int]
    /// `covers.documents`, nil when the member is absent.
    package let documents: [String]?
    /// Present for `nekting` only.
    package let code: Code?
    /// RFC 3339 date-times, as given.
    package let validFrom: String?
    package let validTo: String?
    package let definition: Definition?
    /// The event serialized by `JSONValue.canonicalBytes`: what hubd stores and delivers.
    package private(set) var canonicalJSON: [UInt8] = []

    /// An event with these values; `eventId` is kept in lower case. Nothing is checked here:
    /// callers pass values that meet the schema.
    package init(
        eventId: String, kind: Kind, action: Action, citizenSequence: Int, occurredAt: String,
        nationalId: String, setBy: SetBy, coveredHerIds: [Int], documents: [String]? = nil,
        code: Code? = nil, validFrom: String? = nil, validTo: String? = nil, definition: Definition? = nil
    ) {
        self.eventId = eventId.lowercased()
        self.kind = kind
        self.action = action
        self.citizenSequence = citizenSequence
        self.occurredAt = occurredAt
        self.nationalId = nationalId
        self.setBy = setBy
        self.coveredHerIds = coveredHerIds
        self.documents = documents
        self.code = code
        self.validFrom = validFrom
        self.validTo = validTo
        self.definition = definition
        canonicalJSON = json.canonicalBytes
    }

    /// `event 7d0db875-… sperring set #3`: no national identity number.
    package var description: String { "event \(eventId) \(kind.rawValue) \(action.rawValue) #\(citizenSequence)" }

    /// The event as a JSON object; absent members are left out.
    private var json: JSONValue {
        var covers: [String: JSONValue] = ["herIds": .array(coveredHerIds.map(JSONValue.integer))]
        covers["documents"] = documents.map { .array($0.map(JSONValue.string)) }
        var members: [String: JSONValue] = [
            "eventId": .string(eventId),
            "kind": .string(kind.rawValue),
            "action": .string(action.rawValue),
            "citizenSequence": .integer(citizenSequence),
            "occurredAt": .string(occurredAt),
            "nationalId": .string(nationalId),
            "setBy": .string(setBy.rawValue),
            "covers": .object(covers),
        ]
        members["code"] = code.map { .string($0.rawValue) }
        members["validFrom"] = validFrom.map(JSONValue.string)
        members["validTo"] = validTo.map(JSONValue.string)
        members["definition"] = definition.map { .object(["guid": .string($0.guid), "name": .string($0.name)]) }
        return .object(members)
    }
}

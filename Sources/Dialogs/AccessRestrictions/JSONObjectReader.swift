/// Reads members of a JSON object into Swift values, refusing with the member's pointer.
///
/// For PVK's body, whose only check this is, and for events after the schema, where a refusal
/// here means the schema and `AccessRestrictionEvent` disagree.
struct JSONObjectReader {
    let members: [String: JSONValue]
    /// Pointer to the object itself, `""` for the document.
    let pointer: String

    /// Reads the object `value`; nil when it is not an object.
    init?(_ value: JSONValue, at pointer: String = "") {
        guard let members = value.object else { return nil }
        self.members = members
        self.pointer = pointer
    }

    /// The member `name` as `read` makes it; refused when it is absent or `read` gives nil.
    /// `expected` says what it must be (`a string`).
    func required<Value>(_ name: String, _ expected: String, _ read: (JSONValue) -> Value?) throws(EventRefusal) -> Value {
        guard let value = try optional(name, expected, read) else {
            throw EventRefusal(.schema, pointer: JSONPointer.appending(name, to: pointer), reason: "is missing")
        }
        return value
    }

    /// The member `name` as `read` makes it, nil when it is absent (or null); refused when
    /// `read` gives nil.
    func optional<Value>(_ name: String, _ expected: String, _ read: (JSONValue) -> Value?) throws(EventRefusal) -> Value? {
        guard let member = members[name], member != .null else { return nil }
        guard let value = read(member) else {
            throw EventRefusal(.schema, pointer: JSONPointer.appending(name, to: pointer), reason: "must be \(expected)")
        }
        return value
    }

    /// A nested object, for reading its members.
    func object(_ name: String) throws(EventRefusal) -> JSONObjectReader {
        try required(name, "an object") { JSONObjectReader($0, at: JSONPointer.appending(name, to: pointer)) }
    }
}

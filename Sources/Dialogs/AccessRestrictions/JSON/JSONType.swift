/// The seven type names of the JSON Schema keyword `type`.
enum JSONType: String, Sendable, CaseIterable {
    case null, boolean, object, array, number, string, integer

    /// Whether `value` is of this type. An integer is any number without a fractional part
    /// (JSON Schema 2020-12 §6.1.1): `1.0` is one, and so is `1e20`.
    func matches(_ value: JSONValue) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.object, .object), (.array, .array), (.string, .string): true
        case (.number, .integer), (.number, .number), (.integer, .integer): true
        case (.integer, .number(let number)): number == number.rounded()
        default: false
        }
    }

    /// `a string`, `an integer`: for reasons.
    var withArticle: String {
        switch self {
        case .integer, .object, .array: "an \(rawValue)"
        case .null: "null"
        default: "a \(rawValue)"
        }
    }
}

import AddressRegistry

extension JSONValue {
    /// A string, or a number as text: the PROMs service writes some of its enums either way
    /// (`"Helsenorge"` or its number). Nil for anything else.
    var text: String? {
        switch self {
        case .string(let value): value
        case .integer(let value): String(value)
        default: nil
        }
    }
}

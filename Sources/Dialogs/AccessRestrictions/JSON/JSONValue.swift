/// A JSON value as `JSONReader` reads it and `canonicalBytes` writes it.
///
/// A number with no fractional part that fits an `Int` is always `.integer`, however it was
/// written (`1`, `1.0`, `1e0`), so two readings of the same number compare equal; other
/// numbers are `.number`.
///
/// ```swift
/// let value = try JSONReader.read(Array(#"{"b": [1, 2.5], "a": null}"#.utf8))
/// value.canonicalBytes  // {"a":null,"b":[1,2.5]}
/// ```
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The number `value`, as `.integer` when it is one.
    init(number value: Double) {
        if let exact = Int(exactly: value) {
            self = .integer(exact)
        } else {
            self = .number(value)
        }
    }

    /// The string, or nil for other values.
    package var string: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The members, or nil for other values.
    package var object: [String: JSONValue]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// The integer, or nil for other values.
    var integer: Int? {
        if case .integer(let value) = self { value } else { nil }
    }

    /// The boolean, or nil for other values.
    var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// The array's elements as `read` makes them; nil for other values or when `read` gives
    /// nil for one.
    func elements<Element>(_ read: (JSONValue) -> Element?) -> [Element]? {
        guard case .array(let values) = self else { return nil }
        var elements: [Element] = []
        for value in values {
            guard let element = read(value) else { return nil }
            elements.append(element)
        }
        return elements
    }
}

import Foundation

extension JSONSchemaNode {
    /// The first violation of this schema in `value`, found at `pointer`; nil when `value` is
    /// valid. Keywords are checked in their listed order, object members in the order of their
    /// names, array items from the first, so the same document always gets the same answer.
    func firstViolation(in value: JSONValue, at pointer: String) -> JSONSchemaViolation? {
        for keyword in keywords {
            if let violation = firstViolation(of: keyword, in: value, at: pointer) { return violation }
        }
        return nil
    }

    private func violation(_ pointer: String, _ reason: String, keyword: String) -> JSONSchemaViolation {
        JSONSchemaViolation(pointer: pointer, reason: reason, schemaLocation: JSONPointer.appending(keyword, to: location))
    }

    private func firstViolation(of keyword: Keyword, in value: JSONValue, at pointer: String) -> JSONSchemaViolation? {
        switch keyword {
        case .never:
            return JSONSchemaViolation(pointer: pointer, reason: "is not allowed", schemaLocation: location)
        case .reference(let target):
            return target.firstViolation(in: value, at: pointer)
        case .type(let types):
            guard !types.contains(where: { $0.matches(value) }) else { return nil }
            return violation(pointer, "must be " + types.map(\.withArticle).joined(separator: " or "), keyword: "type")
        case .const(let expected):
            guard value != expected else { return nil }
            return violation(pointer, "must be \(expected.canonicalText)", keyword: "const")
        case .enumeration(let allowed):
            guard !allowed.contains(value) else { return nil }
            return violation(pointer, "must be one of \(allowed.map(\.canonicalText).joined(separator: ", "))", keyword: "enum")
        case .minLength(let minimum):
            // Lengths count code points (Validation §6.3.2), as Python's len() does.
            guard case .string(let text) = value, text.unicodeScalars.count < minimum else { return nil }
            return violation(pointer, "must have at least \(minimum) characters", keyword: "minLength")
        case .pattern(let expression):
            guard case .string(let text) = value,
                  expression.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) == nil
            else { return nil }
            return violation(pointer, "does not match the pattern", keyword: "pattern")
        case .dateTime:
            guard case .string(let text) = value, RFC3339DateTime(text) == nil else { return nil }
            return violation(pointer, "is not an RFC 3339 date-time", keyword: "format")
        case .minimum(let minimum):
            guard Self.isNumber(value, lessThan: minimum) else { return nil }
            return violation(pointer, "must be at least \(minimum.canonicalText)", keyword: "minimum")
        case .maximum(let maximum):
            guard Self.isNumber(maximum, lessThan: value) else { return nil }
            return violation(pointer, "must be at most \(maximum.canonicalText)", keyword: "maximum")
        case .minItems(let minimum):
            guard case .array(let elements) = value, elements.count < minimum else { return nil }
            return violation(pointer, "must have at least \(minimum) items", keyword: "minItems")
        case .items(let schema):
            guard case .array(let elements) = value else { return nil }
            for (index, element) in elements.enumerated() {
                if let violation = schema.firstViolation(in: element, at: "\(pointer)/\(index)") { return violation }
            }
            return nil
        case .required(let names):
            guard let members = value.object, let missing = names.first(where: { members[$0] == nil }) else { return nil }
            return violation(JSONPointer.appending(missing, to: pointer), "is missing", keyword: "required")
        case .additionalProperties(let schema, let declared):
            guard let members = value.object else { return nil }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) where !declared.contains(name) {
                if let violation = schema.firstViolation(in: member, at: JSONPointer.appending(name, to: pointer)) { return violation }
            }
            return nil
        case .properties(let schemas):
            guard let members = value.object else { return nil }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let schema = schemas[name] else { continue }
                if let violation = schema.firstViolation(in: member, at: JSONPointer.appending(name, to: pointer)) { return violation }
            }
            return nil
        case .conditional(let condition, let then, let otherwise):
            let branch = condition.firstViolation(in: value, at: pointer) == nil ? then : otherwise
            return branch?.firstViolation(in: value, at: pointer)
        }
    }

    /// Whether `value` is a number below `limit` (a number), compared exactly when both are
    /// integers. Values that are not numbers are left to `type`.
    private static func isNumber(_ value: JSONValue, lessThan limit: JSONValue) -> Bool {
        switch (value, limit) {
        case (.integer(let value), .integer(let limit)): value < limit
        case (.integer(let value), .number(let limit)): Double(value) < limit
        case (.number(let value), .integer(let limit)): value < Double(limit)
        case (.number(let value), .number(let limit)): value < limit
        default: false
        }
    }
}

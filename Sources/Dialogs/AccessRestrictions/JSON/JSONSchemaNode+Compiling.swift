import Foundation

extension JSONSchemaNode {
    /// Keywords that only describe (JSON Schema 2020-12 Core §8.3, Validation §9.1); their
    /// values must be strings.
    static let annotations: Set<String> = ["$comment", "title", "description"]

    /// Keywords compiled into checks.
    static let implemented: Set<String> = [
        "$ref", "type", "const", "enum", "minLength", "pattern", "format", "minimum", "maximum",
        "minItems", "items", "required", "properties", "additionalProperties", "if", "then", "else",
    ]

    /// Compiles `schema`, found at `location`.
    ///
    /// - Parameter definitions: the document's compiled `$defs`, which `$ref` may name as
    ///   `#/$defs/NAME`; nil inside `$defs` themselves, where `$ref` is refused so that no
    ///   reference can loop.
    /// - Throws: `.unsupportedKeyword` for any keyword outside `implemented` and
    ///   `annotations` (`$schema`, `$id` and `$defs` are taken off the root by `JSONSchema`),
    ///   `.invalidKeyword` for a value a keyword cannot use.
    init(compiling schema: JSONValue, at location: String, definitions: [String: JSONSchemaNode]?) throws(JSONSchemaLoadError) {
        self.location = location
        switch schema {
        case .bool(true):
            keywords = []
        case .bool(false):
            keywords = [.never]
        case .object(let members):
            keywords = try KeywordCompiler(members: members, location: location, definitions: definitions).compile()
        default:
            throw .invalidKeyword("(schema)", location: location, reason: "a schema must be an object or a boolean")
        }
    }
}

/// Reads the keywords of one schema object.
private struct KeywordCompiler {
    let members: [String: JSONValue]
    let location: String
    let definitions: [String: JSONSchemaNode]?

    func compile() throws(JSONSchemaLoadError) -> [JSONSchemaNode.Keyword] {
        for name in members.keys.sorted() where !JSONSchemaNode.implemented.contains(name) {
            guard JSONSchemaNode.annotations.contains(name) else { throw .unsupportedKeyword(name, location: location) }
            guard members[name]?.string != nil else { throw invalid(name, "must be a string") }
        }
        var keywords: [JSONSchemaNode.Keyword] = []
        if let value = members["$ref"] { keywords.append(.reference(try reference(value))) }
        if let value = members["type"] { keywords.append(.type(try types(value))) }
        if let value = members["const"] { keywords.append(.const(value)) }
        if let value = members["enum"] {
            guard case .array(let values) = value, !values.isEmpty else { throw invalid("enum", "must be a non-empty array") }
            keywords.append(.enumeration(values))
        }
        if let value = members["minLength"] { keywords.append(.minLength(try count("minLength", value))) }
        if let value = members["pattern"] { keywords.append(try pattern(value)) }
        if let value = members["format"] {
            // Other formats would be checked by some validators and not by others; none is needed.
            guard value == .string("date-time") else { throw .unsupportedKeyword("format \(value.canonicalText)", location: location) }
            keywords.append(.dateTime)
        }
        if let value = members["minimum"] { keywords.append(.minimum(try number("minimum", value))) }
        if let value = members["maximum"] { keywords.append(.maximum(try number("maximum", value))) }
        if let value = members["minItems"] { keywords.append(.minItems(try count("minItems", value))) }
        if let value = members["items"] { keywords.append(.items(try subschema("items", value))) }
        if let value = members["required"] { keywords.append(.required(try required(value))) }
        let properties = try self.properties()
        if let value = members["additionalProperties"] {
            keywords.append(.additionalProperties(try subschema("additionalProperties", value), declared: Set(properties.keys)))
        }
        if !properties.isEmpty { keywords.append(.properties(properties)) }
        if let condition = members["if"] {
            keywords.append(.conditional(
                if: try subschema("if", condition),
                then: try members["then"].map { value throws(JSONSchemaLoadError) in try subschema("then", value) },
                else: try members["else"].map { value throws(JSONSchemaLoadError) in try subschema("else", value) }))
        } else if members["then"] != nil || members["else"] != nil {
            // Without `if` they have no effect (Core §10.2.2.2); more likely a mistake than meant.
            throw invalid(members["then"] != nil ? "then" : "else", "has no if beside it")
        }
        return keywords
    }

    private func invalid(_ keyword: String, _ reason: String) -> JSONSchemaLoadError {
        .invalidKeyword(keyword, location: location, reason: reason)
    }

    private func subschema(_ keyword: String, _ value: JSONValue) throws(JSONSchemaLoadError) -> JSONSchemaNode {
        try JSONSchemaNode(compiling: value, at: "\(location)/\(keyword)", definitions: definitions)
    }

    private func reference(_ value: JSONValue) throws(JSONSchemaLoadError) -> JSONSchemaNode {
        guard let definitions else { throw invalid("$ref", "is not supported inside $defs") }
        let prefix = "#/$defs/"
        guard let target = value.string, target.hasPrefix(prefix), let node = definitions[String(target.dropFirst(prefix.count))]
        else { throw invalid("$ref", "must be #/$defs/NAME, naming one of the root's $defs") }
        return node
    }

    private func types(_ value: JSONValue) throws(JSONSchemaLoadError) -> [JSONType] {
        let names: [JSONValue]
        switch value {
        case .string: names = [value]
        case .array(let elements) where !elements.isEmpty: names = elements
        default: throw invalid("type", "must be a type name or a non-empty array of them")
        }
        var types: [JSONType] = []
        for name in names {
            guard let type = name.string.flatMap(JSONType.init(rawValue:)) else { throw invalid("type", "names an unknown type") }
            types.append(type)
        }
        return types
    }

    private func count(_ keyword: String, _ value: JSONValue) throws(JSONSchemaLoadError) -> Int {
        guard case .integer(let value) = value, value >= 0 else { throw invalid(keyword, "must be a non-negative integer") }
        return value
    }

    private func number(_ keyword: String, _ value: JSONValue) throws(JSONSchemaLoadError) -> JSONValue {
        switch value {
        case .integer, .number: value
        default: throw invalid(keyword, "must be a number")
        }
    }

    private func pattern(_ value: JSONValue) throws(JSONSchemaLoadError) -> JSONSchemaNode.Keyword {
        guard let source = value.string else { throw invalid("pattern", "must be a string") }
        do {
            return .pattern(try NSRegularExpression(pattern: source))
        } catch {
            throw invalid("pattern", "is not a regular expression ICU can compile")
        }
    }

    private func required(_ value: JSONValue) throws(JSONSchemaLoadError) -> [String] {
        guard case .array(let elements) = value else { throw invalid("required", "must be an array of strings") }
        var names: [String] = []
        for element in elements {
            guard let name = element.string, !names.contains(name) else { throw invalid("required", "must be an array of distinct strings") }
            names.append(name)
        }
        return names
    }

    private func properties() throws(JSONSchemaLoadError) -> [String: JSONSchemaNode] {
        guard let value = members["properties"] else { return [:] }
        guard let declared = value.object else { throw invalid("properties", "must be an object") }
        var nodes: [String: JSONSchemaNode] = [:]
        for (name, schema) in declared {
            nodes[name] = try JSONSchemaNode(
                compiling: schema, at: "\(location)/properties/\(JSONPointer.escape(name))", definitions: definitions)
        }
        return nodes
    }
}

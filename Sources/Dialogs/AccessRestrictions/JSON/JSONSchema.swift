/// A JSON Schema (draft 2020-12), compiled once for validating many documents.
///
/// hubd has no JSON Schema library, so this is an interpreter of exactly the keywords its
/// schemas use: `type`, `properties`, `required`, `additionalProperties`, `enum`, `const`,
/// `pattern` (run by ICU, through `NSRegularExpression`), `format: date-time`, `minimum`,
/// `maximum`, `items`, `minItems`, `minLength`, `if`/`then`/`else`, `$ref` to the root's
/// `$defs`, boolean schemas, and the annotations `$schema`, `$id`, `$comment`, `title` and
/// `description`. Loading a schema with any other keyword throws, so the schema cannot
/// outgrow the validator unnoticed. The tests check its verdicts against Python's
/// `jsonschema` over a corpus of documents.
///
/// It reports the first violation only, with a JSON pointer and a reason that quotes no value.
///
/// ```swift
/// let schema = try JSONSchema(document: bytes)          // throws JSONSchemaLoadError
/// if let violation = schema.validate(try JSONReader.read(body)) { refuse(violation.description) }
/// ```
package struct JSONSchema: Sendable {
    /// The only dialect understood.
    package static let draft202012 = "https://json-schema.org/draft/2020-12/schema"

    private let root: JSONSchemaNode

    /// Compiles the schema in `document`, which must name draft 2020-12 in `$schema`.
    package init(document: [UInt8]) throws(JSONSchemaLoadError) {
        let value: JSONValue
        do {
            value = try JSONReader.read(document)
        } catch {
            throw .notJSON(error)
        }
        guard var members = value.object else {
            throw .invalidKeyword("(schema)", location: "#", reason: "the document must be a schema object")
        }
        guard members.removeValue(forKey: "$schema") == .string(Self.draft202012) else {
            throw .invalidKeyword("$schema", location: "#", reason: "must be \(Self.draft202012)")
        }
        if let id = members.removeValue(forKey: "$id"), id.string == nil {
            throw .invalidKeyword("$id", location: "#", reason: "must be a string")
        }
        var definitions: [String: JSONSchemaNode] = [:]
        if let defs = members.removeValue(forKey: "$defs") {
            guard let schemas = defs.object else { throw .invalidKeyword("$defs", location: "#", reason: "must be an object") }
            for (name, schema) in schemas {
                definitions[name] = try JSONSchemaNode(
                    compiling: schema, at: "#/$defs/\(JSONPointer.escape(name))", definitions: nil)
            }
        }
        root = try JSONSchemaNode(compiling: .object(members), at: "#", definitions: definitions)
    }

    /// The first violation of the schema in `value`; nil when it is valid.
    package func validate(_ value: JSONValue) -> JSONSchemaViolation? {
        root.firstViolation(in: value, at: "")
    }
}

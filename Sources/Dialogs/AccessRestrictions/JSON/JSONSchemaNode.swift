import Foundation

/// One compiled schema: its keywords, each checked by `JSONSchemaNode+Validation`, in the
/// order they are listed.
///
/// Only the keywords hubd's schemas use are here; `init(compiling:at:definitions:)` refuses
/// any other, so a schema cannot grow a rule this validator would silently skip.
struct JSONSchemaNode: Sendable {
    /// Where the schema is in its document, as a URI fragment (`#/properties/covers`).
    let location: String
    let keywords: [Keyword]

    indirect enum Keyword: Sendable {
        /// The schema `false`: nothing is valid.
        case never
        /// `$ref`: the value must also be valid against the referenced schema.
        case reference(JSONSchemaNode)
        case type([JSONType])
        case const(JSONValue)
        /// `enum`.
        case enumeration([JSONValue])
        case minLength(Int)
        /// `pattern`, compiled once; ICU runs it.
        case pattern(NSRegularExpression)
        /// `format: date-time`, the only format implemented.
        case dateTime
        case minimum(JSONValue)
        case maximum(JSONValue)
        case minItems(Int)
        case items(JSONSchemaNode)
        case required([String])
        /// `additionalProperties`, with the names its sibling `properties` declares.
        case additionalProperties(JSONSchemaNode, declared: Set<String>)
        case properties([String: JSONSchemaNode])
        /// `if`/`then`/`else`.
        case conditional(if: JSONSchemaNode, then: JSONSchemaNode?, else: JSONSchemaNode?)
    }
}

import Testing
@testable import Dialogs

@Suite("The JSON Schema interpreter", .timeLimit(.minutes(2)))
struct JSONSchemaTests {
    private func load(_ members: String) throws(JSONSchemaLoadError) -> JSONSchema {
        try JSONSchema(document: Array(#"{"$schema": "https://json-schema.org/draft/2020-12/schema", \#(members)}"#.utf8))
    }

    private func loadError(_ members: String) -> JSONSchemaLoadError? {
        do {
            _ = try load(members)
            return nil
        } catch {
            return error
        }
    }

    @Test("Keywords it does not implement are refused at load", arguments: [
        #""allOf": []"#, #""anyOf": [true]"#, #""not": true"#, #""maxLength": 3"#, #""patternProperties": {}"#,
        #""unevaluatedProperties": false"#, #""uniqueItems": true"#, #""exclusiveMinimum": 0"#, #""dependentRequired": {}"#,
        #""$anchor": "a""#, #""default": 1"#, #""examples": []"#, #""contentEncoding": "base64""#,
        #""properties": {"a": {"maxItems": 1}}"#, #""items": {"prefixItems": []}"#, #""if": {"$id": "x"}"#,
        #""$defs": {"a": {"oneOf": []}}"#, #""else": {"propertyNames": {}}, "if": true"#,
    ])
    func unknownKeyword(members: String) {
        guard case .unsupportedKeyword = loadError(members) else {
            Issue.record("\(members) loaded: \(String(describing: loadError(members)))")
            return
        }
    }

    @Test("Formats other than date-time are refused at load")
    func otherFormats() {
        #expect(loadError(#""format": "uuid""#) == .unsupportedKeyword(#"format "uuid""#, location: "#"))
        #expect(loadError(#""properties": {"a": {"format": "date-time"}}"#) == nil)
    }

    @Test("Keyword values it cannot use are refused at load", arguments: [
        #""type": "text""#, #""type": []"#, #""required": ["a", "a"]"#, #""minItems": -1"#, #""minLength": 1.5"#,
        #""pattern": "(""#, #""enum": []"#, #""minimum": "1""#, ##""$ref": "#/$defs/missing""##,
        #""$ref": "https://example.org/s""#, ##""$defs": {"a": {"$ref": "#/$defs/a"}}"##, #""then": true"#,
        #""title": 1"#, #""properties": []"#, #""items": 1"#, #""$id": 1"#,
    ])
    func invalidValue(members: String) {
        guard case .invalidKeyword = loadError(members) else {
            Issue.record("\(members): \(String(describing: loadError(members)))")
            return
        }
    }

    @Test("A document without the draft 2020-12 $schema, or not JSON, is refused")
    func dialect() {
        #expect(throws: JSONSchemaLoadError.self) { try JSONSchema(document: Array(#"{"type": "object"}"#.utf8)) }
        #expect(throws: JSONSchemaLoadError.self) {
            try JSONSchema(document: Array(#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#.utf8))
        }
        #expect(throws: JSONSchemaLoadError.notJSON(JSONReadError(offset: 1, reason: "expected a member name"))) {
            try JSONSchema(document: Array("{".utf8))
        }
    }

    @Test("Violations give the pointer, the reason and the schema keyword")
    func violations() throws {
        let schema = try load(#"""
            "type": "object", "additionalProperties": false,
            "properties": {"a/b": {"type": "array", "items": {"type": ["integer", "null"], "maximum": 5}}, "c": {"const": [1, {"x": null}]}}
            """#)
        func violation(_ text: String) throws -> JSONSchemaViolation? { schema.validate(try JSONReader.read(Array(text.utf8))) }
        #expect(try violation(#"{"a/b": [1, null, 5.0], "c": [1.0, {"x": null}]}"#) == nil)
        #expect(try violation(#"{"a/b": [1, 6]}"#) == JSONSchemaViolation(pointer: "/a~1b/1", reason: "must be at most 5", schemaLocation: "#/properties/a~1b/items/maximum"))
        #expect(try violation(#"{"a/b": [true]}"#)?.reason == "must be an integer or null")
        #expect(try violation(#"{"c": [1]}"#)?.reason == #"must be [1,{"x":null}]"#)
        #expect(try violation(#"{"d~": 1}"#) == JSONSchemaViolation(pointer: "/d~0", reason: "is not allowed", schemaLocation: "#/additionalProperties"))
        #expect(try violation("[]")?.description == "the document: must be an object (#/type)")
    }

    @Test("minLength counts code points, as Python does")
    func codePoints() throws {
        let schema = try load(#""minLength": 2"#)
        #expect(schema.validate(.string("\u{1F1F3}\u{1F1F4}")) == nil)   // one grapheme (🇳🇴), two code points
        #expect(schema.validate(.string("😀")) != nil)
        #expect(schema.validate(.integer(1)) == nil)                    // not a string: left to type
    }
}

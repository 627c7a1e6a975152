internal import CLibXML2
import Foundation

/// The official KITH message schemas (MsgHead, AppRec v1.0/v1.1, Dialogmelding v1.0/v1.1
/// and their imports), compiled once and shared by every thread.
///
/// The compiled schema is never changed after loading; each validation gets its own libxml2
/// validation context, so any number of threads may validate at once.
///
/// The bundled copies differ from the official files in one place: the `oid` type's pattern
/// `(\d+\.?)*\d+` (MsgHead, AppRec 1.0, kith.xsd) is written `\d+(\.\d+)*`, which accepts
/// exactly the same strings. libxml2 matches the official form in quadratic time, so one
/// 100,000-digit `S` attribute held a validation for minutes. Schemas loaded from elsewhere
/// with `init(directory:)` need the same change.
///
/// ```swift
/// let schemas = try DialogSchemas.loadBundled()     // once, at start-up
/// let violation = try parser.parse(body).validate(with: schemas)
/// ```
package final class DialogSchemas: @unchecked Sendable {
    // @unchecked: `schema` is a C pointer, written only in `init` and read-only afterwards;
    // libxml2 documents a compiled schema as shareable between validation contexts.

    /// The schema that imports all the others; `init(directory:)` loads it from there.
    package static let entryPointFileName = "all-messages.xsd"

    /// The target namespaces of all loaded schemas (the messages' namespaces and those of
    /// their imports). Payload elements in other namespaces are carried unvalidated.
    package let knownNamespaces: Set<String>

    private let schema: xmlSchemaPtr

    /// Loads the schemas bundled with this module (resource folder `Schemas`).
    ///
    /// The module's resource bundle (`hubd_Dialogs.resources`) must be deployed next to the
    /// executable: SwiftPM's `Bundle.module` stops the process when it finds none. Installations
    /// that keep the schemas elsewhere use `init(directory:)`.
    package static func loadBundled() throws(SchemaLoadError) -> DialogSchemas {
        guard let entryPoint = Bundle.module.url(forResource: "all-messages", withExtension: "xsd", subdirectory: "Schemas")
        else { throw .notFound(path: "\(Bundle.module.bundlePath)/Schemas/\(entryPointFileName)") }
        return try DialogSchemas(directory: entryPoint.deletingLastPathComponent())
    }

    /// Loads `all-messages.xsd` from `directory`; its imports are resolved relative to it.
    package init(directory: URL) throws(SchemaLoadError) {
        _ = LibXML2.initialized
        let entryPoint = directory.appendingPathComponent(Self.entryPointFileName)
        guard FileManager.default.fileExists(atPath: entryPoint.path) else { throw .notFound(path: entryPoint.path) }

        let recorder = FirstErrorRecorder(quotesPayload: false)
        let compiled: xmlSchemaPtr? = entryPoint.withUnsafeFileSystemRepresentation { path in
            guard let path, let context = xmlSchemaNewParserCtxt(path) else { return nil }
            defer { xmlSchemaFreeParserCtxt(context) }
            xmlSchemaSetParserStructuredErrors(context, FirstErrorRecorder.contextCallback, recorder.contextPointer)
            return withExtendedLifetime(recorder) { xmlSchemaParse(context) }
        }
        guard let compiled else {
            let error = recorder.first
            throw .invalid(file: error?.file, line: error?.line ?? 0, message: error?.message ?? "libxml2 could not compile the schemas")
        }
        schema = compiled
        knownNamespaces = SchemaNamespaceCollector.targetNamespaces(from: entryPoint)
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// Validates a parsed document; nil when it is valid.
    func validate(_ document: xmlDocPtr) -> SchemaViolation? {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return SchemaViolation(line: 0, message: "libxml2 could not create a schema validation context")
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        let recorder = FirstErrorRecorder(quotesPayload: true)
        xmlSchemaSetValidStructuredErrors(context, FirstErrorRecorder.contextCallback, recorder.contextPointer)
        let result = withExtendedLifetime(recorder) { xmlSchemaValidateDoc(context, document) }
        guard result != 0 else { return nil }
        guard let error = recorder.first else {
            return SchemaViolation(line: 0, message: "schema validation failed (libxml2 code \(result))")
        }
        return SchemaViolation(line: error.line, message: error.message)
    }
}

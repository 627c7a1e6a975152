import Foundation

/// The JSON Schema of access-restriction events (events contract §1): the document hubd
/// serves at `GET /schemas/access-restriction-event.json`, and that document compiled, which
/// `AccessRestrictionEventReader` validates with.
///
/// ```swift
/// let schema = try AccessRestrictionSchema.bundled()   // at start-up; throws JSONSchemaLoadError
/// serve(schema.document, contentType: "application/schema+json")
/// let reader = AccessRestrictionEventReader(schema: schema)
/// ```
package struct AccessRestrictionSchema: Sendable {
    /// The schema's file in the module's `Schemas` resources.
    package static let fileName = "access-restriction-event.schema.json"

    /// The schema file's bytes, to be served as they are.
    package let document: [UInt8]
    let compiled: JSONSchema

    /// Compiles the schema in `document`.
    package init(document: [UInt8]) throws(JSONSchemaLoadError) {
        compiled = try JSONSchema(document: document)
        self.document = document
    }

    /// The schema bundled with this module, read and compiled on the first call and shared
    /// afterwards (a failure too is kept, and thrown by every call).
    ///
    /// The module's resource bundle (`hubd_Dialogs.resources`) must be deployed next to the
    /// executable: SwiftPM's `Bundle.module` stops the process when it finds none.
    package static func bundled() throws(JSONSchemaLoadError) -> AccessRestrictionSchema {
        try loadedBundle.get()
    }

    private static let loadedBundle = Result { () throws(JSONSchemaLoadError) -> AccessRestrictionSchema in
        let path = "\(Bundle.module.bundlePath)/Schemas/\(fileName)"
        guard let data = FileManager.default.contents(atPath: path) else { throw .notFound(path: path) }
        return try AccessRestrictionSchema(document: Array(data))
    }
}

/// Why a JSON Schema could not be loaded. A deployment problem, reported once at start-up.
package enum JSONSchemaLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The schema file does not exist.
    case notFound(path: String)
    /// The schema file is not JSON.
    case notJSON(JSONReadError)
    /// The schema uses a keyword `JSONSchema` does not implement. `location` is the schema
    /// object that has it, as a URI fragment (`#/properties/covers`).
    case unsupportedKeyword(String, location: String)
    /// A keyword `JSONSchema` implements has a value it cannot use.
    case invalidKeyword(String, location: String, reason: String)

    package var description: String {
        switch self {
        case .notFound(let path):
            "JSON schema \(path) not found"
        case .notJSON(let error):
            "JSON schema is not JSON: \(error)"
        case .unsupportedKeyword(let keyword, let location):
            "JSON schema keyword \(keyword) at \(location) is not implemented by hubd's validator"
        case .invalidKeyword(let keyword, let location, let reason):
            "JSON schema keyword \(keyword) at \(location): \(reason)"
        }
    }
}

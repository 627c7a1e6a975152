/// Why the message schemas could not be loaded. This is a deployment problem, reported once
/// at start-up.
package enum SchemaLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The entry-point schema file does not exist.
    case notFound(path: String)
    /// libxml2 could not compile the schemas; the first error it reported.
    case invalid(file: String?, line: Int, message: String)

    package var description: String {
        switch self {
        case .notFound(let path):
            "message schema \(path) not found"
        case .invalid(let file, let line, let message):
            "message schemas could not be compiled (\(file ?? "?"):\(line)): \(message)"
        }
    }
}

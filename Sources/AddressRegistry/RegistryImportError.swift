/// Why a registry file was refused. The whole import fails; the previous registry stays in force.
package enum RegistryImportError: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case notAnArray
    case notAnObject(index: Int)
    case missingHerId(index: Int)
    case invalidHerId(index: Int)
    case duplicateHerId(index: Int, herId: Int)
    /// The element could not be serialised again for the store.
    case notEncodable(index: Int)
    /// The element is in another format than the file's first element.
    case otherFormat(index: Int, expected: RegistryFormat, found: RegistryFormat)
    /// A v1 `validFrom` or `validTo` that is not an ISO 8601 date-time.
    case invalidDateTime(index: Int, member: String)

    package var description: String {
        switch self {
        case .notJSON(let reason): "registry file is not valid JSON: \(reason)"
        case .notAnArray: "registry file is not a JSON array of communication parties"
        case .notAnObject(let index): "element \(index): not a JSON object"
        case .missingHerId(let index): "element \(index): HerId is missing"
        case .invalidHerId(let index): "element \(index): HerId is not a positive integer"
        case .duplicateHerId(let index, let herId): "element \(index): duplicate HerId \(herId)"
        case .notEncodable(let index): "element \(index): could not be serialised as JSON for the store"
        case .otherFormat(let index, let expected, let found):
            "element \(index): in \(found), but the file is in \(expected) (its first element's)"
        case .invalidDateTime(let index, let member): "element \(index): \(member) is not an ISO 8601 date-time"
        }
    }
}

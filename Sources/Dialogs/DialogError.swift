/// Why a message body could not be read as a dialog message.
///
/// Every text in an error is safe to log and to send back to the sender: it names elements
/// and positions, never payload values, and any run of exactly 11 digits is masked.
package enum DialogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The body is larger than the parser's limit; it was not parsed.
    case tooLarge(size: Int, limit: Int)
    /// The body is not UTF-8, the only encoding the wire contract allows: a UTF-16 or UTF-32
    /// byte-order mark, a NUL byte, a byte sequence that is not UTF-8, or an XML declaration
    /// naming another encoding. `reason` says which, and where, but quotes no bytes.
    case notUTF8(reason: String)
    /// The body goes over one of the parser's `ParseLimits` (or over a length libxml2 itself
    /// would refuse); it was not parsed. `line` is where the scan stopped, `reason` names the
    /// limit.
    case tooComplex(line: Int, reason: String)
    /// The body is not well-formed (namespace-aware) XML. `reason` is libxml2's first error,
    /// first line only, with quoted values replaced by `…`.
    case notWellFormed(line: Int, reason: String)
    /// The body has a document type declaration (and so possibly entity declarations),
    /// which messages must not have.
    case doctypeForbidden
    /// The root element is not a MsgHead or an AppRec in a known namespace.
    case notADialogMessage(rootNamespace: String?, rootName: String)
    /// A field the hub routes on is missing or empty, e.g. `MsgInfo/MsgId`.
    case missingElement(String)

    package var description: String {
        switch self {
        case .tooLarge(let size, let limit):
            "message of \(size) bytes is over the limit of \(limit) bytes"
        case .notUTF8(let reason):
            "message is not UTF-8: \(reason)"
        case .tooComplex(let line, let reason):
            "message is too complex to parse at line \(line): \(reason)"
        case .notWellFormed(let line, let reason):
            "not well-formed XML at line \(line): \(reason)"
        case .doctypeForbidden:
            "a DOCTYPE (DTD or entity declaration) is not allowed in a message"
        case .notADialogMessage(let namespace, let name):
            "root element \(namespace.map { "{\($0)}" } ?? "")\(name) is not a MsgHead or an AppRec in a known namespace"
        case .missingElement(let path):
            "required element \(path) is missing or empty"
        }
    }
}

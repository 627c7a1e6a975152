/// The status of an application receipt, `AppRec/Status/@V` (code list 8258).
package enum AppRecStatus: Sendable, Equatable, Hashable {
    /// `1`: OK.
    case ok
    /// `2`: Avvist, the message was rejected.
    case rejected
    /// `3`: OK, with errors in part of the message.
    case okWithErrors
    /// Any other code, kept as written.
    case other(String)

    /// Reads a code from code list 8258.
    package init(code: String) {
        switch code {
        case "1": self = .ok
        case "2": self = .rejected
        case "3": self = .okWithErrors
        default: self = .other(code)
        }
    }

    /// The code as it appears in `Status/@V`.
    package var code: String {
        switch self {
        case .ok: "1"
        case .rejected: "2"
        case .okWithErrors: "3"
        case .other(let code): code
        }
    }
}

/// The status an AppRec that hubd builds reports: the three values of the REST contract's
/// `appRecStatus`, spelt as there (`Ok`, `Rejected`, `OkErrorInMessagePart`).
///
/// Unlike `AppRecStatus`, which also keeps codes it does not know from AppRecs it reads, this
/// has only the statuses hubd writes, so an AppRec cannot be built with any other.
///
/// ```swift
/// let outcome = AppRecOutcome(rawValue: "OkErrorInMessagePart")   // .okErrorInMessagePart
/// outcome?.status.code                                              // "3"
/// ```
package enum AppRecOutcome: String, Sendable, Equatable, Hashable, CaseIterable {
    /// `1` OK: the message was received and processed.
    case ok = "Ok"
    /// `2` Avvist: the message was rejected; the AppRec names at least one error.
    case rejected = "Rejected"
    /// `3` OK, feil i delmelding: processed, with errors in part of the message.
    case okErrorInMessagePart = "OkErrorInMessagePart"

    /// The status as `AppRecInfo` reads it back.
    package var status: AppRecStatus {
        switch self {
        case .ok: .ok
        case .rejected: .rejected
        case .okErrorInMessagePart: .okWithErrors
        }
    }

    /// `Status/@DN`: the code's display name in code list 8258, as the sector's AppRecs write it.
    package var displayName: String {
        switch self {
        case .ok: "OK"
        case .rejected: "Avvist"
        case .okErrorInMessagePart: "OK, feil i delmelding"
        }
    }
}

/// Why `AppRecBuilder` refused to build an AppRec.
///
/// Every description is safe to log and to return to the caller: it names fields, positions
/// and HER-ids, never a value the caller wrote, and never a number that could be a national
/// identity number (an answering id outside the HER-id range is not repeated).
package enum AppRecBuildError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with one entry of the error list.
    package enum EntryProblem: Sendable, Equatable {
        /// The error code is missing or blank.
        case missingCode
        /// The oid is not digits separated by dots (`kith:oid`), so the AppRec would be invalid.
        case oidNotAnOID
        /// The field holds a character no XML document can carry: a control character other
        /// than tab, line feed and carriage return, U+FFFE or U+FFFF.
        case characterNotAllowed(field: String)
    }

    /// `Rejected` without any error: a rejection must say why.
    case rejectedWithoutErrors
    /// `Ok` with errors; errors in part of a message are `OkErrorInMessagePart`.
    case okWithErrors
    /// One entry of the error list cannot be written; `index` counts from 0.
    case invalidErrorEntry(index: Int, problem: EntryProblem)
    /// The original cannot be read as a MsgHead with its routing fields.
    case originalUnreadable(DialogError)
    /// The original is itself an AppRec, and an AppRec is never answered with one.
    case originalIsAppRec
    /// The answering party is not the original's receiver (its effective HER-id, level 2
    /// when present, as ingress compares `toHerId`); `receiverHerId` is nil when the original
    /// names none.
    case notOriginalReceiver(answeringHerId: Int, receiverHerId: Int?)

    package var description: String {
        switch self {
        case .rejectedWithoutErrors:
            "an AppRec with status Rejected must name at least one error"
        case .okWithErrors:
            "an AppRec with status Ok cannot name errors; use OkErrorInMessagePart"
        case .invalidErrorEntry(let index, let problem):
            "error \(index + 1) of the list \(problem.description)"
        case .originalUnreadable(let error):
            "the original message cannot be answered: \(error)"
        case .originalIsAppRec:
            "the original message is an AppRec, which is never answered with an AppRec"
        case .notOriginalReceiver(let answering, let receiver):
            "\(Self.herIdText(answering)) is not the receiver of the original message ("
                + (receiver.map { "its receiver is HER-id \($0)" } ?? "it names no receiver HER-id")
                + "); only the receiver answers with an AppRec"
        }
    }

    /// The answering id as the HER-id it claims to be; anything outside the HER-id rule (an
    /// 11-digit identity number typed into the wrong field) is not repeated.
    private static func herIdText(_ value: Int) -> String {
        HerId.parse(String(value)).map { "HER-id \($0)" } ?? "the answering id, which is not a HER-id,"
    }
}

extension AppRecBuildError.EntryProblem: CustomStringConvertible {
    package var description: String {
        switch self {
        case .missingCode: "has no error code"
        case .oidNotAnOID: "has an oid that is not digits separated by dots"
        case .characterNotAllowed(let field):
            "has a character XML cannot carry (a control character, U+FFFE or U+FFFF) in \(field)"
        }
    }
}

/// What reading a MsgHead learned of its patient's national identity numbers (`Patient/Ident`
/// with `TypeId V="FNR"`), without keeping any of them: only whether their mod-11 check digits
/// hold (`NationalIdNumber`).
///
/// ```swift
/// if case .msgHead(let info) = message, info.patientIdentity == .invalidCheckDigits { refuse() }
/// ```
package enum PatientIdentityCheck: Sendable, Equatable {
    /// The message names no patient identity of type `FNR`.
    case absent
    /// Every patient identity of type `FNR` has valid check digits.
    case valid
    /// At least one patient identity of type `FNR` does not.
    case invalidCheckDigits
}

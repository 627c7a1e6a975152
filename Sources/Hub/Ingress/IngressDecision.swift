/// What the ingress checks decided about one submission.
package enum IngressDecision: Sendable {
    /// Store it and dispatch it (subject to the duplicate check, the last of §2).
    case accept(NewMessage)
    /// Refused: store the error message for the sender and drop the submission.
    case reject(Rejection, notice: NewMessage)
    /// No error message can be routed: keep it as a dead letter.
    case deadLetter(DeadLetterDraft)
}
